import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import { conflict, notFound } from '../../shared/errors';
import { latestSaleOfListing } from '../transactions';
import { refundBudgetIfNotStored } from './listing-budget';
import { assertSellerMayList } from './listing-checks';
import { listingsRepository, type ListingRow } from './listings.repository';
import { assertSeller } from './listings.policy';
import { isNewAccount } from './listings.rules';
import type { Ctx } from '../../shared/context';

type RelistDeps = Pick<Platform, 'db' | 'clock' | 'rateLimits'>;

/**
 * SPEC §9: after a non-payment (the sale cancelled at its payment deadline) the seller may relist. As on
 * eBay, a relist is a new listing copied from the old one: a draft with the same item and prices and no
 * schedule (the old dates are past), to be published as usual. The old listing keeps its history.
 * Images are not copied: an image row owns its stored object, so two listings cannot share one.
 *
 * A listing is relisted once: a second relist is 409 `already_relisted` naming the draft (like
 * `offer_exists`), not that draft again — it may have been edited or published since, and a repeat
 * that answered 201 would hide that nothing new was made. A relist is a new listing, so it spends a new
 * account's hourly listing budget (SPEC §4) as creating or importing a draft does.
 *
 * Relist and second-chance offer are alternatives (SPEC §9 "relist or second-chance"): while an offer
 * to the runner-up is pending → 409 `second_chance_pending`; once one is accepted the sale is live
 * again → 409 `not_relistable`. Otherwise the item could be sold twice.
 */
export async function relistListing(deps: RelistDeps, ctx: Ctx, id: string): Promise<ListingRow> {
  const listing = await listingsRepository.findById(deps.db, id);
  if (!listing) throw notFound('listing');
  assertSeller(listing, ctx.actor);
  const seller = await assertSellerMayList(deps.db, ctx.actor.userId);
  // Checked once before the budget is spent (only a relist that will be made spends it, as in
  // createListing), and again under the lock; the Redis call stays out of the database transaction.
  await assertRelistable(deps.db, listing.id);
  const spent = isNewAccount(seller.createdAt, deps.clock.now()) ? 1 : 0;
  if (spent) await deps.rateLimits.consume('newAccountListings', seller.id);
  return refundBudgetIfNotStored(deps, seller.id, spent, () => insertRelist(deps, listing));
}

/** The new draft, copied from `listing` under its row lock once it is still relistable there. */
function insertRelist(deps: RelistDeps, listing: ListingRow): Promise<ListingRow> {
  return deps.db.transaction().execute(async (trx) => {
    // The old listing's row lock serializes relists of it, and relists with second-chance offers and
    // their acceptance (which take the same lock): the sale and the offers are read under it.
    if (!(await listingsRepository.lockById(trx, listing.id))) throw notFound('listing');
    await assertRelistable(trx, listing.id);
    return listingsRepository.insert(trx, {
      sellerId: listing.sellerId,
      relistedFrom: listing.id,
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
  });
}

/** The sale was cancelled for non-payment, no offer to the runner-up is pending, no relist is live. */
async function assertRelistable(db: Kysely<Database>, listingId: string): Promise<void> {
  const sale = await latestSaleOfListing(db, listingId);
  if (sale?.status !== 'cancelled' || sale.cancelReason !== 'payment_deadline') {
    throw conflict('not_relistable', 'Only a listing whose buyer did not pay can be relisted.');
  }
  // The runner-up may still buy the item: relisting it now could sell it twice.
  const offer = await listingsRepository.pendingSecondChanceOf(db, listingId);
  if (offer) {
    throw conflict('second_chance_pending', 'The item is offered to the runner-up: relist once they decline or the offer expires.', {
      offerId: offer.id,
    });
  }
  const existing = await listingsRepository.liveRelistOf(db, listingId);
  if (existing) {
    throw conflict('already_relisted', 'This listing was already relisted: edit or publish that draft.', { listingId: existing.id });
  }
}
