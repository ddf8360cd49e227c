import { sql, type Kysely } from 'kysely';
import type { Trx } from '../../../db/connection';
import { bulkInsert } from '../../../db/bulk-insert';
import type { PendingWrite } from '../../../db/writes';
import type { Database } from '../../../db/schema';

type Reader = Kysely<Database>;

/** The stored, replayable stream of a listing: `listing_events` and the `event_seq` head on `listings`. */

/** Reserves `count` consecutive seqs (caller holds the row lock); returns the new head. */
export async function reserveEventSeqs(trx: Trx, listingId: string, count: number): Promise<string> {
  const { eventSeq } = await trx
    .updateTable('listings')
    .set({ eventSeq: sql<string>`event_seq + ${count}` })
    .where('id', '=', listingId)
    .returning('eventSeq')
    .executeTakeFirstOrThrow();
  return eventSeq;
}

export async function insertListingEvents(
  trx: Trx,
  rows: Array<{ listingId: string; seq: number; type: string; payload: string }>,
): Promise<void> {
  await listingEventsInsert(trx, rows).execute();
}

/** The insert of `insertListingEvents`, built for a caller that folds it with its other writes (`executeWrites`). */
export function listingEventsInsert(
  trx: Trx,
  rows: Array<{ listingId: string; seq: number; type: string; payload: string }>,
): PendingWrite {
  return bulkInsert(trx, 'listingEvents', { listingId: 'uuid', seq: 'bigint', type: 'text', payload: 'jsonb' }, rows);
}

/** Status and event head of a listing that is not soft-deleted (only published listings have a public stream). */
export async function findLiveListingStatus(db: Reader, listingId: string) {
  return db
    .selectFrom('listings')
    .select(['status', 'eventSeq'])
    .where('id', '=', listingId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
}

/** The listing's current event head. */
export async function findEventHead(db: Reader, listingId: string) {
  return db.selectFrom('listings').select('eventSeq').where('id', '=', listingId).executeTakeFirstOrThrow();
}

/** Stored events after `after`, in seq order. */
export async function eventsAfter(db: Reader, listingId: string, after: number, limit: number) {
  return db
    .selectFrom('listingEvents')
    .select(['seq', 'type', 'payload', 'createdAt'])
    .where('listingId', '=', listingId)
    .where('seq', '>', String(after))
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** One page of stored events for a socket replay (no timestamps: the payload is what is emitted). */
export async function replayPage(db: Reader, listingId: string, after: number, limit: number) {
  return db
    .selectFrom('listingEvents')
    .select(['seq', 'type', 'payload'])
    .where('listingId', '=', listingId)
    .where('seq', '>', String(after))
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/**
 * The writes of a decided bid batch on the auctions side: the new auction columns and event head in
 * ONE update of the listing row (not two), and the events. Built, not executed: the caller folds
 * them with the batch's other writes into one statement. It holds the row lock and read
 * `event_seq` under it, so it numbers the events itself.
 */
export function stateAndEventsWrites(
  trx: Trx,
  listingId: string,
  columns: Record<string, unknown> | undefined,
  head: number,
  rows: Array<{ listingId: string; seq: number; type: string; payload: string }>,
): PendingWrite[] {
  if (!columns && rows.length === 0) return [];
  const update = trx
    .updateTable('listings')
    .set({ ...(columns ?? {}), eventSeq: head })
    .where('id', '=', listingId);
  return rows.length ? [update, listingEventsInsert(trx, rows)] : [update];
}
