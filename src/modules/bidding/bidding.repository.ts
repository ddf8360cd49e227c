import { sql, type Insertable, type Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { anyOf } from '../../../db/any-of';
import type { Trx } from '../../../db/connection';
import type { PendingWrite } from '../../../db/writes';
import { bulkInsert } from '../../../db/bulk-insert';
import type { BidRequestsTable, BidsTable, Database } from '../../../db/schema';
import { biddingSuspendedUntil } from '../users';
import { batchedLookup } from '../../shared/batched-lookup';

type Reader = Kysely<Database>;

/**
 * `bids`, `bid_requests` and `listing_bidders`. Reads of `users` and `non_payment_strikes` (bidder
 * eligibility) and `listings` (is the listing visible, who sells it) are read-only lookups.
 */

/** The stored outcome of one bid command. */
export async function storedOutcome(db: Reader, requestId: string) {
  return db.selectFrom('bidRequests').select('result').where('requestId', '=', requestId).executeTakeFirst();
}

export interface BidderAndListing {
  phoneVerifiedAt: Date | null;
  suspendedAt: Date | null;
  deletedAt: Date | null;
  /** Null when the listing does not exist or is deleted. */
  sellerId: string | null;
  status: string | null;
  biddingSuspendedUntil: Date | null;
}

/**
 * The bidder's account state, the listing's seller and status, and when a strike suspension ends
 * (SPEC §9: the STRIKES_TO_SUSPEND-th most recent strike within the window decides it), for many
 * (bidder, listing) pairs in one statement: intake runs it for every bid, so the bids a process
 * reads in one turn share one round trip and one pool connection. Answers in the pairs' order;
 * undefined where the user does not exist.
 */
async function biddersAndListings(db: Reader, pairs: ReadonlyArray<{ userId: string; listingId: string }>) {
  // A quiet process reads one pair per turn: the plain lookup is the cheaper statement for it.
  if (pairs.length === 1) return [await oneBidderAndListing(db, pairs[0].userId, pairs[0].listingId)];
  const { rows } = await sql<BidderAndListing & { ord: string }>`
    SELECT r.ord, u.phone_verified_at, u.suspended_at, u.deleted_at, l.seller_id, l.status,
      ${biddingSuspendedUntil(sql.ref<string>('u.id'))} AS bidding_suspended_until
    FROM unnest(${pairs.map((p) => p.userId)}::uuid[], ${pairs.map((p) => p.listingId)}::uuid[])
      WITH ORDINALITY AS r (user_id, listing_id, ord)
    JOIN users u ON u.id = r.user_id
    LEFT JOIN listings l ON l.id = r.listing_id AND l.deleted_at IS NULL`.execute(db);
  const answers: Array<BidderAndListing | undefined> = pairs.map(() => undefined);
  for (const { ord, ...row } of rows) answers[Number(ord) - 1] = row;
  return answers;
}

function oneBidderAndListing(db: Reader, userId: string, listingId: string): Promise<BidderAndListing | undefined> {
  return db
    .selectFrom('users')
    .leftJoin('listings', (join) => join.on('listings.id', '=', listingId).on('listings.deletedAt', 'is', null))
    .select([
      'users.phoneVerifiedAt',
      'users.suspendedAt',
      'users.deletedAt',
      'listings.sellerId',
      'listings.status',
      biddingSuspendedUntil(sql.ref<string>('users.id')).as('biddingSuspendedUntil'),
    ])
    .where('users.id', '=', userId)
    .executeTakeFirst();
}

const eligibilityReads = new WeakMap<Reader, (pair: { userId: string; listingId: string }) => Promise<BidderAndListing | undefined>>();

/** One bidder's and listing's state (see biddersAndListings), read together with the other bids of this turn. */
export function bidderAndListing(db: Reader, userId: string, listingId: string): Promise<BidderAndListing | undefined> {
  let read = eligibilityReads.get(db);
  if (!read) {
    read = batchedLookup((pairs: ReadonlyArray<{ userId: string; listingId: string }>) => biddersAndListings(db, pairs));
    eligibilityReads.set(db, read);
  }
  return read({ userId, listingId });
}

/** A buyer's account state (read of `users`), unless deleted. */
export async function buyerStanding(db: Reader, userId: string) {
  return db
    .selectFrom('users')
    .select(['phoneVerifiedAt', 'suspendedAt'])
    .where('id', '=', userId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
}

/**
 * Locks the buyer's and the seller's account rows to the commit (KEY SHARE, as a bid batch locks its
 * bidders: see batchInputs) and answers the buyer's state, unless deleted. Taken before the listing's
 * row lock, in the order an account deletion takes its locks (the account, then its listings): a
 * deletion of either party holding its row makes the buy-now wait for its commit and then find the
 * buyer or the listing gone; one that comes later waits for the sale and finds it. The seller's row
 * must not be left to the sale's foreign key, which would lock it after the listing (a deadlock).
 */
export async function lockBuyerAndSeller(trx: Trx, buyerId: string, sellerId: string) {
  const rows = await trx
    .selectFrom('users')
    .select(['id', 'phoneVerifiedAt', 'suspendedAt', 'deletedAt'])
    .where('id', 'in', [buyerId, sellerId])
    .orderBy('id')
    .forKeyShare()
    .execute();
  return rows.find((r) => r.id === buyerId && r.deletedAt === null);
}

/** The listing and bidder of a bid. */
export async function findBid(db: Reader, bidId: string) {
  return db.selectFrom('bids').select(['listingId', 'bidderId']).where('id', '=', bidId).executeTakeFirst();
}

/** A bidder's latest bid time and retraction on a listing. */
export async function findBidder(trx: Trx, listingId: string, bidderId: string) {
  return trx
    .selectFrom('listingBidders')
    .select(['lastBidAt', 'retractedAt'])
    .where('listingId', '=', listingId)
    .where('bidderId', '=', bidderId)
    .executeTakeFirst();
}

/**
 * Marks the bidders' standing bids on a listing retracted, and the bidders as retracted; answers how
 * many bids it withdrew (none when they had nothing standing: a repeat withdraws nothing).
 */
export async function retractBidders(trx: Trx, listingId: string, bidderIds: string[]): Promise<number> {
  if (bidderIds.length === 0) return 0;
  const withdrawn = await trx
    .updateTable('bids')
    .set({ status: 'retracted' })
    .where('listingId', '=', listingId)
    .where('bidderId', '=', anyOf(bidderIds, 'uuid'))
    .where('status', '=', 'active')
    .returning('id')
    .execute();
  if (withdrawn.length === 0) return 0;
  await trx
    .updateTable('listingBidders')
    .set({ retractedAt: sql<Date>`now()` })
    .where('listingId', '=', listingId)
    .where('bidderId', '=', anyOf(bidderIds, 'uuid'))
    .execute();
  return withdrawn.length;
}

/** The live auctions (active, not deleted) on which the bidder has a standing bid, in id order. */
export async function liveAuctionsOfBidder(db: Reader, bidderId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('bids')
    .innerJoin('listings', 'listings.id', 'bids.listingId')
    .select('bids.listingId')
    .distinct()
    .where('bids.bidderId', '=', bidderId)
    .where('bids.status', '=', 'active')
    .where('listings.status', '=', 'active')
    .where('listings.deletedAt', 'is', null)
    .orderBy('bids.listingId')
    .execute();
  return rows.map((r) => r.listingId);
}

/** The bidders of a listing with a standing bid whose account is suspended by staff (read of `users`). */
export async function suspendedBiddersOn(trx: Trx, listingId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('bids')
    .innerJoin('users', 'users.id', 'bids.bidderId')
    .select('bids.bidderId')
    .distinct()
    .where('bids.listingId', '=', listingId)
    .where('bids.status', '=', 'active')
    .where('users.suspendedAt', 'is not', null)
    .execute();
  return rows.map((r) => r.bidderId);
}

/** The live (not retracted) own bids of a listing in their original order, for a replay. */
export async function liveBids(trx: Trx, listingId: string) {
  return trx
    .selectFrom('bids')
    .select(['bidderId', 'maxAmountCents', 'seq'])
    .where('listingId', '=', listingId)
    .where('status', '=', 'active')
    .where('isAutoBid', '=', false)
    .orderBy('seq')
    .execute();
}

/** One bidder's alias on a listing. */
export async function aliasOf(trx: Trx, listingId: string, bidderId: string) {
  return (
    await trx
      .selectFrom('listingBidders')
      .select('alias')
      .where('listingId', '=', listingId)
      .where('bidderId', '=', bidderId)
      .executeTakeFirst()
  )?.alias;
}

/** Status and seller of a listing that is not soft-deleted (is its bid history visible?). */
export async function findListingVisibility(db: Reader, listingId: string) {
  return db
    .selectFrom('listings')
    .select(['status', 'sellerId', 'eventSeq'])
    .where('id', '=', listingId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
}

/** A page of a listing's bids with their aliases, newest first (keyset on the bid seq). */
export async function listingBidsPage(db: Reader, listingId: string, limit: number, beforeSeq?: number) {
  let query = db
    .selectFrom('bids')
    .innerJoin('listingBidders', (j) =>
      j.onRef('listingBidders.listingId', '=', 'bids.listingId').onRef('listingBidders.bidderId', '=', 'bids.bidderId'),
    )
    .select([
      'bids.id',
      'bids.listingId',
      'bids.bidderId',
      'bids.amountCents',
      'bids.maxAmountCents',
      'bids.isAutoBid',
      'bids.status',
      'bids.createdAt',
      'bids.seq',
      'listingBidders.alias',
    ])
    .where('bids.listingId', '=', listingId)
    .orderBy('bids.seq', 'desc')
    .limit(limit);
  if (beforeSeq !== undefined) query = query.where('bids.seq', '<', beforeSeq);
  return query.execute();
}

/**
 * Everything a bid batch reads under the listing's lock, in one statement: stored outcomes of its
 * commands (redeliveries), which of its bidders may bid (read of `users`), the aliases it can need
 * (its bidders' and the current leader's, read from `listings`) and how many bidders the listing
 * has (a new alias takes the next number). It must run after the lock statement, in the same
 * transaction (it may be written together with it): READ COMMITTED takes its snapshot when it
 * starts, so it sees every batch committed before ours.
 */
export async function batchInputs(trx: Trx, listingId: string, requestIds: string[], bidderIds: string[]) {
  return trx
    .selectNoFrom((eb) => [
      jsonArrayFrom(eb.selectFrom('bidRequests').select(['requestId', 'result']).where('requestId', '=', anyOf(requestIds, 'text'))).as(
        'stored',
      ),
      jsonArrayFrom(
        eb
          .selectFrom('users')
          .select(['id', 'displayName'])
          .where('id', '=', anyOf(bidderIds, 'uuid'))
          .where('deletedAt', 'is', null)
          .where('suspendedAt', 'is', null)
          .where('phoneVerifiedAt', 'is not', null)
          // Locked to the commit (KEY SHARE), so an account deletion (FOR UPDATE on the row, then a
          // look for live bids) cannot pass between this read and our bids: if it locked first, this
          // waits for its commit and re-checks the row, leaving a deleted bidder out; if we did, it
          // waits for our commit and finds the bid. KEY SHARE is what our inserts' foreign keys to
          // `users` take anyway, only earlier; it blocks neither other batches nor plain updates of
          // the row. No deadlock: we lock the listing, then its bidders; a deletion locks the
          // account, then only that account's own listings, on which it never bids (own_listing).
          // An admin suspension locks the row FOR UPDATE before its update for the same reason
          // (admin setSuspension), and locks nothing else.
          .forKeyShare(),
      ).as('eligible'),
      jsonArrayFrom(
        eb
          .selectFrom('listingBidders')
          .select(['bidderId', 'alias'])
          .where('listingId', '=', listingId)
          // One array, so the lookup stays on the (listing, bidder) key.
          .where('bidderId', '=', sql<string>`any(${bidderIds}::uuid[] || (select leader_id from listings where id = ${listingId}))`),
      ).as('aliases'),
      eb
        .selectFrom('listingBidders')
        .select(sql<string>`count(*)`.as('n'))
        .where('listingId', '=', listingId)
        .as('bidderCount'),
    ])
    .executeTakeFirstOrThrow();
}

const BID_COLUMNS = {
  id: 'uuid',
  listingId: 'uuid',
  bidderId: 'uuid',
  seq: 'integer',
  amountCents: 'integer',
  maxAmountCents: 'integer',
  isAutoBid: 'boolean',
  requestId: 'text',
  receivedAt: 'timestamptz',
  createdAt: { type: 'timestamptz', whenNull: sql`now()` },
} as const;
const REQUEST_COLUMNS = {
  requestId: 'text',
  listingId: 'uuid',
  bidderId: 'uuid',
  maxAmountCents: 'integer',
  receivedAt: 'timestamptz',
  accepted: 'boolean',
  result: 'jsonb',
} as const;

/**
 * A bid batch's writes to the bidding tables: history rows, stored outcomes, and the bidders'
 * aliases / latest bid times. Built, not executed: the batch folds them with its other writes into
 * one statement.
 */
export function batchWrites(
  trx: Trx,
  listingId: string,
  bids: Insertable<BidsTable>[],
  requests: Insertable<BidRequestsTable>[],
  bidders: Array<{ bidderId: string; alias: string; lastBidAt: Date }>,
): PendingWrite[] {
  const writes: PendingWrite[] = [];
  if (requests.length) writes.push(bulkInsert(trx, 'bidRequests', REQUEST_COLUMNS, requests));
  // Only accepted bids write history and aliases (an all-refused batch stores its outcomes alone).
  if (bids.length) writes.push(bulkInsert(trx, 'bids', BID_COLUMNS, bids));
  if (bidders.length) {
    writes.push(
      bulkInsert(
        trx,
        'listingBidders',
        { listingId: 'uuid', bidderId: 'uuid', alias: 'text', lastBidAt: 'timestamptz' },
        bidders.map((r) => ({ listingId, bidderId: r.bidderId, alias: r.alias, lastBidAt: r.lastBidAt })),
      ).onConflict((oc) =>
        oc
          .columns(['listingId', 'bidderId'])
          .doUpdateSet({ lastBidAt: sql`greatest(listing_bidders.last_bid_at, excluded.last_bid_at)`, retractedAt: null }),
      ),
    );
  }
  return writes;
}

/** Keeps a durable copy of a command answered 202 (a second copy of the same request adds nothing). */
export async function rememberUndecided(
  db: Reader,
  command: { requestId: string; listingId: string; bidderId: string; maxAmountCents: number; receivedAt: Date },
): Promise<void> {
  await db
    .insertInto('undecidedBids')
    .values(command)
    .onConflict((oc) => oc.column('requestId').doNothing())
    .execute();
}

/** Commands answered 202 at least `minAgeMs` ago, oldest first, with whether their outcome is stored by now. */
export async function undecidedSince(db: Reader, minAgeMs: number, limit: number) {
  return db
    .selectFrom('undecidedBids as u')
    .leftJoin('bidRequests as r', 'r.requestId', 'u.requestId')
    .select([
      'u.requestId',
      'u.listingId',
      'u.bidderId',
      'u.maxAmountCents',
      'u.receivedAt',
      sql<boolean>`r.request_id IS NOT NULL`.as('decided'),
    ])
    .where('u.createdAt', '<=', sql<Date>`now() - make_interval(secs => ${minAgeMs / 1000})`)
    .orderBy('u.createdAt')
    .limit(limit)
    .execute();
}

/** Drops the durable copies of commands whose outcome is stored. */
export async function forgetUndecided(db: Reader, requestIds: string[]): Promise<void> {
  if (requestIds.length) await db.deleteFrom('undecidedBids').where('requestId', '=', anyOf(requestIds, 'text')).execute();
}
