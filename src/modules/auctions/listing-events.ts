import type { Db, Trx } from '../../../db/connection';
import type { PendingWrite } from '../../../db/writes';
import { notFound } from '../../shared/errors';
import { eventFor, type OutboxEvent } from '../../shared/outbox';
import type { ListingEventBody, ListingEventName } from '../../shared/socket-events';

import { listingRoom } from '../../shared/rooms';
import {
  eventsAfter,
  findEventHead,
  findLiveListingStatus,
  insertListingEvents,
  replayPage,
  reserveEventSeqs,
  stateAndEventsWrites,
} from './listing-events.repository';
import { auctionStateColumns } from './auction-state';
import type { AuctionState, ListingStatus } from './engine/engine.types';

/** A listing event to store and publish: its type and body (listingId and seq are added here). */
export type ListingEventInput = { [E in ListingEventName]: { type: E; payload: ListingEventBody<E> } }[ListingEventName];

/**
 * Stores listing events with consecutive per-listing seqs and returns them as outbox messages for
 * the listing room. The caller must hold the listing's row lock, which is what makes seqs gapless.
 */
export async function appendListingEvents(trx: Trx, listingId: string, events: ListingEventInput[]): Promise<OutboxEvent[]> {
  if (events.length === 0) return [];
  const eventSeq = await reserveEventSeqs(trx, listingId, events.length);
  const first = Number(eventSeq) - events.length + 1;
  const rows = events.map((e, i) => ({ listingId, seq: first + i, type: e.type, payload: { listingId, ...e.payload, seq: first + i } }));
  await insertListingEvents(
    trx,
    rows.map((r) => ({ listingId: r.listingId, seq: r.seq, type: r.type, payload: JSON.stringify(r.payload) })),
  );
  return rows.map((r) => eventFor(r.type, [listingRoom(listingId)], r.payload));
}

/**
 * A bid batch's writes on the auctions side: the engine's new state (if it changed) and the batch's
 * events with consecutive seqs after `eventSeq` (the head read under the row lock the caller holds).
 * Built, not executed (the caller folds them into its one write statement); the events come back as
 * outbox messages for the listing room.
 */
export function stateWithEventsWrites(
  trx: Trx,
  listing: { id: string; eventSeq: string },
  state: AuctionState | undefined,
  events: ListingEventInput[],
): { writes: PendingWrite[]; events: OutboxEvent[] } {
  const first = Number(listing.eventSeq) + 1;
  const rows = events.map((e, i) => ({
    listingId: listing.id,
    seq: first + i,
    type: e.type,
    payload: { listingId: listing.id, ...e.payload, seq: first + i },
  }));
  const writes = stateAndEventsWrites(
    trx,
    listing.id,
    state ? { ...auctionStateColumns(state) } : undefined,
    first - 1 + events.length,
    rows.map((r) => ({ listingId: r.listingId, seq: r.seq, type: r.type, payload: JSON.stringify(r.payload) })),
  );
  return { writes, events: rows.map((r) => eventFor(r.type, [listingRoom(listing.id)], r.payload)) };
}

/**
 * A listing the public never saw: a draft, or one taken down by staff while still a draft (then
 * `cancelled`, with no column saying it was never published). Every cancellation of a published
 * listing — the seller's or staff's — appends `auction_ended` to its stream, so a cancelled listing
 * whose stream is empty was cancelled as a draft.
 */
export function neverPublished(listing: { status: ListingStatus; eventSeq: string | number }): boolean {
  return listing.status === 'draft' || (listing.status === 'cancelled' && Number(listing.eventSeq) === 0);
}

/** Stored listing events after `after`, for clients catching up on what they missed. */
export async function listingEventsAfter(deps: { db: Db }, listingId: string, after: number, limit: number) {
  const listing = await findLiveListingStatus(deps.db, listingId);
  if (!listing || neverPublished(listing)) throw notFound('listing');
  const rows = await eventsAfter(deps.db, listingId, after, limit + 1);
  const page = rows
    .slice(0, limit)
    .map((r) => ({ seq: Number(r.seq), type: r.type, payload: r.payload, createdAt: r.createdAt.toISOString() }));
  return { items: page, nextAfter: rows.length > limit ? page[page.length - 1].seq : null };
}

/** Throws 404 unless the listing is published (a socket may watch only those). */
export async function assertWatchable(deps: { db: Db }, listingId: string): Promise<void> {
  const listing = await findLiveListingStatus(deps.db, listingId);
  if (!listing || neverPublished(listing)) throw notFound('listing');
}

/** The listing's current event seq: every event up to it is committed. */
export async function currentEventSeq(deps: { db: Db }, listingId: string): Promise<number> {
  return Number((await findEventHead(deps.db, listingId)).eventSeq);
}

/** One page (in seq order) of stored events after `after`, for a socket replay. */
export function replayEvents(deps: { db: Db }, listingId: string, after: number, limit: number) {
  return replayPage(deps.db, listingId, after, limit);
}
