import type { Db } from '../../../db/connection';

/** Every bid the user placed, for a privacy access request. */
export async function bidsOfBidder(db: Db, bidderId: string) {
  return db.selectFrom('bids').selectAll().where('bidderId', '=', bidderId).orderBy('createdAt').execute();
}
