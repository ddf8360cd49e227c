import type { Db } from '../../../db/connection';

/** Every bid the user placed, for a privacy access request. */
export async function bidsOfBidder(db: Db, bidderId: string) {
  return db.selectFrom('bids').selectAll().where('bidderId', '=', bidderId).orderBy('createdAt').execute();
}

/**
 * True while the user has a standing (not retracted) bid on a live auction: their stored maximum can
 * still outbid others and win, so the account must stay able to pay (SPEC §9 deletion refusal).
 */
export async function bidderHasLiveBid(db: Db, bidderId: string): Promise<boolean> {
  const row = await db
    .selectFrom('bids')
    .innerJoin('listings', 'listings.id', 'bids.listingId')
    .select('bids.id')
    .where('bids.bidderId', '=', bidderId)
    .where('bids.status', '=', 'active')
    .where('listings.status', '=', 'active')
    .where('listings.deletedAt', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}
