import type { Deps } from '../../composition';
import type { Actor } from '../../shared/context';
import { conflict, forbidden, notFound } from '../../shared/errors';
import { finalizeListing } from '../auctions';
import { auctionStateOf } from '../auctions';
import { isBuyNowAvailable } from '../auctions';

/** Buys a listing at its buy-now price, ending it at once (under the listing's row lock). */
export async function buyNow(deps: Pick<Deps, 'db' | 'config' | 'bidsInFlight'>, actor: Actor, listingId: string): Promise<string> {
  const buyer = await deps.db.selectFrom('users').select(['phoneVerifiedAt', 'suspendedAt']).where('id', '=', actor.userId).where('deletedAt', 'is', null).executeTakeFirst();
  if (!buyer || buyer.suspendedAt || !buyer.phoneVerifiedAt) throw forbidden('bidder_not_allowed', 'Your account cannot buy right now.');
  const now = await deps.bidsInFlight.now();
  return deps.db.transaction().execute(async (trx) => {
    const listing = await trx.selectFrom('listings').selectAll().where('id', '=', listingId).where('deletedAt', 'is', null).forUpdate().executeTakeFirst();
    if (!listing || listing.status === 'draft') throw notFound('listing');
    if (listing.sellerId === actor.userId) throw forbidden('own_listing', 'You cannot buy your own listing.');
    const state = auctionStateOf(listing);
    if (!isBuyNowAvailable(state) || now >= state.endsAt || now < state.startsAt) {
      throw conflict('buy_now_unavailable', 'Buy-now is not available for this listing.');
    }
    const txId = await finalizeListing(trx, deps.config, listing, { sold: true, buyerId: actor.userId, priceCents: listing.buyNowPriceCents!, source: 'buy_now' });
    return txId!;
  });
}
