import type { Db, Trx } from '../../../db/connection';

/**
 * Who hears about a takedown: everyone who bid (listing_bidders, read-only here; bidding writes it)
 * and everyone watching. Read under the listing's row lock, so no bid slips in between.
 */
export const takedownRepository = {
  async audience(trx: Trx, listingId: string): Promise<{ bidderIds: string[]; watcherIds: string[] }> {
    const [bidders, watchers] = await Promise.all([
      trx.selectFrom('listingBidders').select('bidderId').where('listingId', '=', listingId).execute(),
      trx.selectFrom('watches').select('userId').where('listingId', '=', listingId).execute(),
    ]);
    return { bidderIds: bidders.map((b) => b.bidderId), watcherIds: watchers.map((w) => w.userId) };
  },

  /** The seller's listings a suspension takes down: scheduled or active (read without locks; each is re-read under its own). */
  async runningListingIdsOf(db: Db, sellerId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('listings')
      .select('id')
      .where('sellerId', '=', sellerId)
      .where('status', 'in', ['scheduled', 'active'])
      .where('deletedAt', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  },
};
