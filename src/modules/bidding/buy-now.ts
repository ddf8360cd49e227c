import type { Trx } from '../../../db/connection';
import type { Transaction } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import type { Actor } from '../../shared/context';
import { conflict, forbidden, notFound } from '../../shared/errors';
import { auctionStateOf, finalizeListing, isBuyNowAvailable, lockLiveListing } from '../auctions';
import { buyerStanding, findListingVisibility, lockBuyerAndSeller } from './bidding.repository';
import { assertNotStrikeSuspended } from './strike-suspension';
import type { BidsInFlight } from './bids-in-flight';

/**
 * Buys a listing at its buy-now price, ending it at once (under the listing's row lock). Returns the
 * sale as inserted in that database transaction. `beforeCommit` runs last in that transaction, so
 * what it writes (the caller's answer for a retry) commits with the sale or not at all.
 */
export async function buyNow(
  deps: Pick<Platform, 'db' | 'config'> & { bidsInFlight: Pick<BidsInFlight, 'now'> },
  actor: Actor,
  listingId: string,
  beforeCommit?: (trx: Trx, sale: Transaction) => Promise<void>,
): Promise<Transaction> {
  assertMayBuy(await buyerStanding(deps.db, actor.userId));
  await assertNotStrikeSuspended(deps.db, actor.userId);
  const now = await deps.bidsInFlight.now();
  return deps.db.transaction().execute(async (trx) => {
    // Both parties' account rows before the listing's (see lockBuyerAndSeller); a listing's seller never changes.
    const seller = await findListingVisibility(trx, listingId);
    if (!seller) throw notFound('listing');
    const buyer = await lockBuyerAndSeller(trx, actor.userId, seller.sellerId);
    const listing = await lockLiveListing(trx, listingId);
    if (!listing || listing.status === 'draft') throw notFound('listing');
    if (listing.sellerId === actor.userId) throw forbidden('own_listing', 'You cannot buy your own listing.');
    const state = auctionStateOf(listing);
    if (!isBuyNowAvailable(state) || now >= state.endsAt || now < state.startsAt) {
      throw conflict('buy_now_unavailable', 'Buy-now is not available for this listing.');
    }
    // Read under the lock: an account deletion (or suspension) committed since the check above must
    // not be left a sale to pay.
    assertMayBuy(buyer);
    const sale = await finalizeListing(trx, deps.config, listing, {
      sold: true,
      buyerId: actor.userId,
      priceCents: listing.buyNowPriceCents!,
      source: 'buy_now',
    });
    await beforeCommit?.(trx, sale!);
    return sale!;
  });
}

function assertMayBuy(buyer: { suspendedAt: Date | null; phoneVerifiedAt: Date | null } | undefined): void {
  if (!buyer || buyer.suspendedAt || !buyer.phoneVerifiedAt) throw forbidden('bidder_not_allowed', 'Your account cannot buy right now.');
}
