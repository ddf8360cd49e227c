import type { Db, Trx } from '../../../db/connection';

// A seller's listings as their account is deleted, restored or exported (SPEC §9).

/** True while the seller has an active listing with bids: a live auction someone is bidding in. */
export async function sellerHasLiveAuctionWithBids(db: Db, sellerId: string): Promise<boolean> {
  const row = await db
    .selectFrom('listings')
    .select('id')
    .where('sellerId', '=', sellerId)
    .where('status', '=', 'active')
    .where('bidCount', '>', 0)
    .where('deletedAt', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}

/** Soft-deletes the seller's live listings, stamped with the account's deletion time (how restore finds them). */
export async function softDeleteSellerListings(trx: Trx, sellerId: string, deletedAt: Date): Promise<number> {
  const rows = await trx.updateTable('listings').set({ deletedAt }).where('sellerId', '=', sellerId).where('deletedAt', 'is', null).returning('id').execute();
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

/** The seller's listings, live or deleted with the account (`deletedWith`), for a privacy access request. */
export async function sellerListingsForExport(db: Db, sellerId: string, deletedWith: Date | null) {
  return db
    .selectFrom('listings')
    .selectAll()
    .where('sellerId', '=', sellerId)
    .where((eb) => (deletedWith ? eb.or([eb('deletedAt', 'is', null), eb('deletedAt', '=', deletedWith)]) : eb('deletedAt', 'is', null)))
    .orderBy('createdAt')
    .execute();
}

/** Every listing the user watches (the watch itself: which listing, since when), for a privacy access request. */
export async function watchesOfUser(db: Db, userId: string) {
  return db.selectFrom('watches').select(['listingId', 'createdAt']).where('userId', '=', userId).orderBy('createdAt').execute();
}
