import type { Platform } from '../../shared/platform';
import { conflict, notFound } from '../../shared/errors';
import { latestSaleOfListing } from '../transactions';
import { assertSellerMayList } from './listing-checks';
import { listingsRepository, type ListingRow } from './listings.repository';
import { assertSeller } from './listings.policy';
import type { Ctx } from '../../shared/context';

type RelistDeps = Pick<Platform, 'db'>;

/**
 * SPEC §9: after a non-payment (the sale cancelled at its payment deadline) the seller may relist. As on
 * eBay, a relist is a new listing copied from the old one: a draft with the same item and prices and no
 * schedule (the old dates are past), to be published as usual. The old listing keeps its history.
 * Images are not copied: an image row owns its stored object, so two listings cannot share one.
 */
export async function relistListing(deps: RelistDeps, ctx: Ctx, id: string): Promise<ListingRow> {
  const listing = await listingsRepository.findById(deps.db, id);
  if (!listing) throw notFound('listing');
  assertSeller(listing, ctx.actor);
  const sale = await latestSaleOfListing(deps.db, listing.id);
  if (sale?.status !== 'cancelled' || sale.cancelReason !== 'payment_deadline') {
    throw conflict('not_relistable', 'Only a listing whose buyer did not pay can be relisted.');
  }
  await assertSellerMayList(deps.db, ctx.actor.userId);
  return listingsRepository.insert(deps.db, {
    sellerId: listing.sellerId,
    title: listing.title,
    description: listing.description,
    categorySlug: listing.categorySlug,
    condition: listing.condition,
    auctionType: listing.auctionType,
    startingPriceCents: listing.startingPriceCents,
    reservePriceCents: listing.reservePriceCents,
    buyNowPriceCents: listing.buyNowPriceCents,
    currentPriceCents: listing.startingPriceCents,
    locationLat: listing.locationLat,
    locationLng: listing.locationLng,
    locationName: listing.locationName,
  });
}
