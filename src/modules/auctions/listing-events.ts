import { sql } from 'kysely';
import type { Trx } from '../../../db/connection';
import { eventFor, type OutboxEvent } from '../../shared/outbox';
import type { ListingEventBody, ListingEventName } from '../../shared/socket-events';

import { listingRoom } from '../../shared/rooms';

/** A listing event to store and publish: its type and body (listingId and seq are added here). */
export type ListingEventInput = { [E in ListingEventName]: { type: E; payload: ListingEventBody<E> } }[ListingEventName];

/**
 * Stores listing events with consecutive per-listing seqs and returns them as outbox messages for
 * the listing room. The caller must hold the listing's row lock, which is what makes seqs gapless.
 */
export async function appendListingEvents(
  trx: Trx,
  listingId: string,
  events: ListingEventInput[],
): Promise<OutboxEvent[]> {
  if (events.length === 0) return [];
  const { eventSeq } = await trx
    .updateTable('listings')
    .set({ eventSeq: sql<string>`event_seq + ${events.length}` })
    .where('id', '=', listingId)
    .returning('eventSeq')
    .executeTakeFirstOrThrow();
  const first = Number(eventSeq) - events.length + 1;
  const rows = events.map((e, i) => ({ listingId, seq: first + i, type: e.type, payload: { listingId, ...e.payload, seq: first + i } }));
  await trx
    .insertInto('listingEvents')
    .values(rows.map((r) => ({ listingId: r.listingId, seq: r.seq, type: r.type, payload: JSON.stringify(r.payload) })))
    .execute();
  return rows.map((r) => eventFor(r.type, [listingRoom(listingId)], r.payload));
}
