import type { Transaction } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import type { Actor } from '../../shared/context';
import { conflict, forbidden, notFound } from '../../shared/errors';
import { auctionStateOf, finalizeListing, isBuyNowAvailable, lockLiveListing } from '../auctions';
import { buyerStanding } from './bidding.repository';
import { assertNotStrikeSuspended } from './strike-suspension';
import type { BidsInFlight } from './bids-in-flight';

/**
 * Buys a listing at its buy-now price, ending it at once (under the listing's row lock). Returns the
 * sale as inserted in that database transaction.
 */
export async function buyNow(
  deps: Pick<Platform, 'db' | 'config'> & { bidsInFlight: Pick<BidsInFlight, 'now'> },
  actor: Actor,
  listingId: string,
): Promise<Transaction> {
  const buyer = await buyerStanding(deps.db, actor.userId);
  if (!buyer || buyer.suspendedAt || !buyer.phoneVerifiedAt) throw forbidden('bidder_not_allowed', 'Your account cannot buy right now.');
  await assertNotStrikeSuspended(deps.db, actor.userId);
  const now = await deps.bidsInFlight.now();
  return deps.db.transaction().execute(async (trx) => {
    const listing = await lockLiveListing(trx, listingId);
    if (!listing || listing.status === 'draft') throw notFound('listing');
    if (listing.sellerId === actor.userId) throw forbidden('own_listing', 'You cannot buy your own listing.');
    const state = auctionStateOf(listing);
    if (!isBuyNowAvailable(state) || now >= state.endsAt || now < state.startsAt) {
      throw conflict('buy_now_unavailable', 'Buy-now is not available for this listing.');
    }
    const sale = await finalizeListing(trx, deps.config, listing, {
      sold: true,
      buyerId: actor.userId,
      priceCents: listing.buyNowPriceCents!,
      source: 'buy_now',
    });
    return sale!;
  });
}
