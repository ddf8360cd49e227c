import { sql } from 'kysely';
import { anyOf } from '../../../db/any-of';
import type { Db, Trx } from '../../../db/connection';

// A seller's listings as their account is deleted, restored, exported or purged (SPEC §9).

/**
 * True while the seller has an active listing with bids: a live auction someone is bidding in.
 * Locks every live listing of the seller (FOR UPDATE, in id order) to the end of the deletion, and
 * judges their bids on the locked rows: a bid batch holds its listing's row lock (FOR UPDATE) from
 * its read to its commit, so an in-flight batch finishes first and its bid is seen here (a filter on
 * `bid_count` would not do: rows failing it in the snapshot are skipped, not waited for); a later
 * batch waits for the deletion and finds the listing deleted (auction_not_active). The soft delete
 * that follows would take these locks anyway; they are only taken earlier, in the same order (the
 * account row, then its listings). No deadlock with a batch: it locks the listing, then only its
 * bidders' rows (KEY SHARE), never the seller's, who cannot bid on their own listing (refused as
 * own_listing at intake). Id order keeps two lockers of the same listings (a close) from deadlocking.
 */
export async function sellerHasLiveAuctionWithBids(trx: Trx, sellerId: string): Promise<boolean> {
  const rows = await trx
    .selectFrom('listings')
    .select(['status', 'bidCount'])
    .where('sellerId', '=', sellerId)
    .where('deletedAt', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.some((r) => r.status === 'active' && r.bidCount > 0);
}

/** Soft-deletes the seller's live listings, stamped with the account's deletion time (how restore finds them). */
export async function softDeleteSellerListings(trx: Trx, sellerId: string, deletedAt: Date): Promise<number> {
  const rows = await trx
    .updateTable('listings')
    .set({ deletedAt })
    .where('sellerId', '=', sellerId)
    .where('deletedAt', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}

/** Brings back exactly the listings deleted with the account (not ones deleted on their own before). */
export async function restoreSellerListings(trx: Trx, sellerId: string, deletedAt: Date): Promise<number> {
  const rows = await trx
    .updateTable('listings')
    .set({ deletedAt: null })
    .where('sellerId', '=', sellerId)
    .where('deletedAt', '=', deletedAt)
    .returning('id')
    .execute();
  return rows.length;
}

/**
 * The seller's listings, live or deleted with the account (`deletedWith`), for a privacy access request:
 * without the auction's hidden state, which names the leader and runner-up and holds their maxima
 * (SPEC §2: a bidder's maximum is never shown to anyone else; a seller reading it could shill-bid up to it).
 */
export async function sellerListingsForExport(db: Db, sellerId: string, deletedWith: Date | null) {
  const rows = await db
    .selectFrom('listings')
    .selectAll()
    .where('sellerId', '=', sellerId)
    .where((eb) => (deletedWith ? eb.or([eb('deletedAt', 'is', null), eb('deletedAt', '=', deletedWith)]) : eb('deletedAt', 'is', null)))
    .orderBy('createdAt')
    .execute();
  return rows.map(({ leaderId, leaderMaxCents, leaderSeq, runnerUpId, runnerUpMaxCents, runnerUpSeq, ...shown }) => shown);
}

/** Every listing the user watches (the watch itself: which listing, since when), for a privacy access request. */
export async function watchesOfUser(db: Db, userId: string) {
  return db.selectFrom('watches').select(['listingId', 'createdAt']).where('userId', '=', userId).orderBy('createdAt').execute();
}

/**
 * The purge (SPEC §9): a purged account's watches go, as what it watched tells what it was after, and
 * the listings' public watch counts drop with them. The listings are locked in id order, so two
 * purge batches sharing watched listings cannot deadlock.
 */
export async function eraseWatchesOf(trx: Trx, userId: string): Promise<void> {
  const erased = await trx.deleteFrom('watches').where('userId', '=', userId).returning('listingId').execute();
  if (erased.length === 0) return;
  const locked = trx
    .selectFrom('listings')
    .select('id')
    .where('id', 'in', erased.map((w) => w.listingId))
    .orderBy('id')
    .forUpdate();
  await trx
    .updateTable('listings')
    .set({ watchCount: sql<number>`greatest(watch_count - 1, 0)` })
    .where('id', 'in', locked)
    .execute();
}

/**
 * The purge (SPEC §9): what a purged seller's listings say about the person goes, whatever their state
 * (deleted with the account, sold, ended, or deleted on their own before): their photos (often of the
 * seller's home), the description in their words, and where they are. The title, prices, dates and
 * parties stay, which is what the buyer's purchase history and the sale record name. The photos' rows
 * are deleted and their storage keys returned, for the caller to delete the objects after its commit
 * (a network call). The listings are locked in id order, as the other purge steps lock them. A re-run
 * finds nothing to erase and returns no keys.
 */
export async function eraseListingsContentOf(trx: Trx, sellerId: string): Promise<string[]> {
  const locked = await trx.selectFrom('listings').select('id').where('sellerId', '=', sellerId).orderBy('id').forUpdate().execute();
  if (locked.length === 0) return [];
  const ids = anyOf(locked.map((l) => l.id), 'uuid');
  const images = await trx.deleteFrom('listingImages').where('listingId', '=', ids).returning('storageKey').execute();
  await trx
    .updateTable('listings')
    .set({ description: '', locationLat: null, locationLng: null, locationName: null })
    .where('id', '=', ids)
    .where((eb) => eb.or([eb('description', '<>', ''), eb('locationLat', 'is not', null), eb('locationName', 'is not', null)]))
    .execute();
  return images.map((i) => i.storageKey);
}
