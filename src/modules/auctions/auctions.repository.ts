import { sql, type Kysely } from 'kysely';
import { anyOf } from '../../../db/any-of';
import type { Trx } from '../../../db/connection';
import type { PendingWrite } from '../../../db/writes';
import type { Database, Listing, ListingStatus } from '../../../db/schema';
import { AUCTION_STATE_COLUMNS, auctionStateColumns, type AuctionStateRow } from './auction-state';
import type { AuctionState } from './engine/engine';

type Reader = Kysely<Database>;

/**
 * The auction side of `listings` (status after publish, the auction columns, the end) under the
 * listing's row lock. Reads of `bid_requests`, `listing_bidders` and `watches` are read-only lookups.
 */

/** Locks one listing row (FOR UPDATE) and returns it whole: every auction decision starts here. */
export async function lockListing(trx: Trx, listingId: string): Promise<Listing | undefined> {
  return trx.selectFrom('listings').selectAll().where('id', '=', listingId).forUpdate().executeTakeFirst();
}

/** What deciding bids reads of a listing: its auction state, its title (for notices) and its event head. */
export type LockedAuction = AuctionStateRow & Pick<Listing, 'title' | 'eventSeq'>;

const LOCKED_AUCTION_COLUMNS = [...AUCTION_STATE_COLUMNS, 'title', 'eventSeq'] as const;

/**
 * Locks one live (not deleted) listing row (FOR UPDATE) and reads only the auction's columns: every
 * bid batch runs it, and the whole row would carry the description and its full-text vector each time.
 */
export async function lockAuction(trx: Trx, listingId: string): Promise<LockedAuction | undefined> {
  // Not a deleted listing: a seller's account deletion soft-deletes it with its status still
  // `active`; a batch that waited for that deletion's listing lock re-checks the row and finds none.
  return trx
    .selectFrom('listings')
    .select(LOCKED_AUCTION_COLUMNS)
    .where('id', '=', listingId)
    .where('deletedAt', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

/** Locks one listing row that is not soft-deleted (buy-now). */
export async function lockLiveListing(trx: Trx, listingId: string): Promise<Listing | undefined> {
  return trx.selectFrom('listings').selectAll().where('id', '=', listingId).where('deletedAt', 'is', null).forUpdate().executeTakeFirst();
}

/**
 * Locks listing rows in id order (so concurrent batches never deadlock), reading their auction
 * columns and whether the leader's account is suspended by staff, in one statement (the close batch
 * pays no extra round trip for the check). The leaders' rows are share-locked (KEY SHARE) after the
 * listings: a suspension, which locks the account FOR UPDATE first, is waited for and its outcome
 * read, so none can answer staff while a close it did not see sells to that account. Nothing locks an
 * account FOR UPDATE and then a listing its owner leads (a deletion's listings are the seller's own),
 * so the order cannot deadlock.
 */
export async function lockListings(trx: Trx, listingIds: string[]): Promise<Array<LockedAuction & { leaderSuspended: boolean }>> {
  return trx
    .with('locked', (db) => db.selectFrom('listings').select(LOCKED_AUCTION_COLUMNS).where('id', '=', anyOf(listingIds, 'uuid')).orderBy('id').forUpdate())
    .with('leaders', (db) =>
      db
        .selectFrom('users')
        .select(['id', 'suspendedAt'])
        .where('id', 'in', (eb) => eb.selectFrom('locked').select('leaderId'))
        .forKeyShare(),
    )
    .selectFrom('locked')
    .leftJoin('leaders', 'leaders.id', 'locked.leaderId')
    .selectAll('locked')
    .select(sql<boolean>`leaders.suspended_at IS NOT NULL`.as('leaderSuspended'))
    .orderBy('locked.id')
    .execute();
}

/** Writes the auction columns of a new engine state (the caller holds the row lock). */
export async function saveAuctionState(trx: Trx, listingId: string, state: AuctionState): Promise<void> {
  await trx.updateTable('listings').set(auctionStateColumns(state)).where('id', '=', listingId).execute();
}

/** Status and end of a listing, unlocked (the close job's first look). */
export async function findListingEnd(db: Reader, listingId: string) {
  return db.selectFrom('listings').select(['status', 'endsAt']).where('id', '=', listingId).executeTakeFirst();
}

/**
 * Status and end of a live (not deleted) listing under its row lock: a listing deleted with its
 * seller's account announces nothing more to the sockets still subscribed to it.
 */
export async function lockListingEnd(trx: Trx, listingId: string) {
  return trx
    .selectFrom('listings')
    .select(['status', 'endsAt'])
    .where('id', '=', listingId)
    .where('deletedAt', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

/** Status and start of a live (not deleted) listing under its row lock (opening a scheduled listing). */
export async function lockListingStart(trx: Trx, listingId: string) {
  return trx
    .selectFrom('listings')
    .select(['status', 'startsAt'])
    .where('id', '=', listingId)
    .where('deletedAt', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * An accepted second-chance offer (SPEC §9) makes the runner-up the winner of the sold listing: the
 * listing stays `ended_sold`, only the buyer changes (the caller holds the row lock).
 */
export async function setSecondChanceWinner(trx: Trx, listingId: string, winnerId: string): Promise<void> {
  await trx.updateTable('listings').set({ winnerId }).where('id', '=', listingId).where('status', '=', 'ended_sold').execute();
}

export async function markActive(trx: Trx, listingId: string): Promise<void> {
  await trx.updateTable('listings').set({ status: 'active' }).where('id', '=', listingId).execute();
}

/** Active listings ending in [from, to), soonest first (`listings_status_ends_idx`). */
export async function activeEndingBetween(db: Reader, from: Date, to: Date) {
  return db
    .selectFrom('listings')
    .select(['id', 'status', 'endsAt'])
    .where('status', '=', 'active')
    .where('endsAt', '>=', from)
    .where('endsAt', '<', to)
    .orderBy('endsAt')
    .execute();
}

/**
 * Live active listings past their end, oldest first. Not deleted ones: nothing closes them while
 * deleted, and re-driven every minute they would fill the sweep's page ahead of the real ones.
 */
export async function overdueActive(db: Reader, limit: number) {
  return db
    .selectFrom('listings')
    .select(['id', 'endsAt'])
    .where('status', '=', 'active')
    .where('endsAt', '<=', sql<Date>`now()`)
    .where('deletedAt', 'is', null)
    .orderBy('endsAt')
    .limit(limit)
    .execute();
}

/** Live scheduled listings past their start, oldest first (a deleted one opens only once restored). */
export async function overdueScheduled(db: Reader, limit: number) {
  return db
    .selectFrom('listings')
    .select(['id', 'startsAt'])
    .where('status', '=', 'scheduled')
    .where('startsAt', '<=', sql<Date>`now()`)
    .where('deletedAt', 'is', null)
    .orderBy('startsAt')
    .limit(limit)
    .execute();
}

/** Which of these bid requests have a stored outcome (read of the bidding module's table). */
export async function decidedRequestIds(db: Reader, requestIds: string[]): Promise<string[]> {
  const rows = await db.selectFrom('bidRequests').select('requestId').where('requestId', '=', anyOf(requestIds, 'text')).execute();
  return rows.map((r) => r.requestId);
}

/** Whether `ending_soon` was already stored for this end. */
export async function findEndingSoonEvent(trx: Trx, listingId: string, endsAt: string) {
  return trx
    .selectFrom('listingEvents')
    .select('seq')
    .where('listingId', '=', listingId)
    .where('type', '=', 'ending_soon')
    .where(sql<string>`payload->>'endsAt'`, '=', endsAt)
    .executeTakeFirst();
}

/** What the 15-minute push needs of a live (not deleted) listing. */
export async function findListingForPush(trx: Trx, listingId: string) {
  return trx
    .selectFrom('listings')
    .select(['status', 'endsAt', 'sellerId', 'title'])
    .where('id', '=', listingId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
}

/** Everyone watching the listing or bidding on it without having retracted (read-only lookups). */
export async function watchersAndBidders(trx: Trx, listingId: string): Promise<string[]> {
  const watchers = trx.selectFrom('watches').select('userId').where('listingId', '=', listingId);
  const bidders = trx
    .selectFrom('listingBidders')
    .select('bidderId as userId')
    .where('listingId', '=', listingId)
    .where('retractedAt', 'is', null);
  return (await watchers.union(bidders).execute()).map((r) => r.userId);
}

/**
 * One UPDATE for all: status, winner, end time, and the seq taken by the `auction_ended` event.
 * Built, not executed: the close batch folds it with its other writes into one statement. The
 * winners go as one JSON object (listing id → winner) so the statement has three parameters however
 * many listings end.
 */
export function endedListingsWrite(
  trx: Trx,
  rows: Array<{ listingId: string; status: 'ended_sold' | 'ended_unsold'; winnerId: string | null }>,
): PendingWrite {
  const sold = rows.filter((r) => r.status === 'ended_sold').map((r) => r.listingId);
  const winners = Object.fromEntries(rows.flatMap((r) => (r.winnerId ? [[r.listingId, r.winnerId]] : [])));
  return trx
    .updateTable('listings')
    .set({
      status: sql<ListingStatus>`CASE WHEN id = ANY(${sold}::uuid[]) THEN 'ended_sold' ELSE 'ended_unsold' END`,
      winnerId: sql<string | null>`(${JSON.stringify(winners)}::jsonb ->> id::text)::uuid`,
      endedAt: sql<Date>`now()`,
      eventSeq: sql<string>`event_seq + 1`,
    })
    .where(
      'id',
      '=',
      anyOf(
        rows.map((r) => r.listingId),
        'uuid',
      ),
    );
}

/** Active (not retracted) bidders of each listing (read of the bidding module's table). */
export async function activeBidders(trx: Trx, listingIds: string[]) {
  return trx
    .selectFrom('listingBidders')
    .select(['listingId', 'bidderId'])
    .where('listingId', '=', anyOf(listingIds, 'uuid'))
    .where('retractedAt', 'is', null)
    .execute();
}
