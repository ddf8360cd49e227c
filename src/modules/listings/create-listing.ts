import type { Trx } from '../../../db/connection';
import type { Platform } from '../../shared/platform';
import { refundBudgetIfNotStored } from './listing-budget';
import { assertListingRules, assertSellerMayList, toDate } from './listing-checks';
import { listingsRepository, type ListingRow, type NewListing } from './listings.repository';
import { isNewAccount, storedStartingPrice, type PriceTerms } from './listings.rules';
import type { CreateListingInput } from './listings.schemas';
import type { Ctx } from '../../shared/context';

type CreateDeps = Pick<Platform, 'db' | 'config' | 'clock' | 'rateLimits'>;

/**
 * Creates a draft listing for the signed-in seller (SPEC §2 price rules; §4 new-account limit).
 * `beforeCommit` runs last in the insert's transaction, so what it writes (the caller's answer for a
 * retry) commits with the draft or not at all.
 */
export async function createListing(
  deps: CreateDeps,
  ctx: Ctx,
  input: CreateListingInput,
  beforeCommit?: (trx: Trx, listing: ListingRow) => Promise<void>,
): Promise<ListingRow> {
  const now = deps.clock.now();
  const seller = await assertSellerMayList(deps.db, ctx.actor.userId);
  const terms = termsOf(input);
  const schedule = { startsAt: toDate(input.startsAt), endsAt: toDate(input.endsAt) };
  await assertListingRules(deps.db, deps.config, { category: input.category, terms, schedule }, now);
  // Only creations that would succeed spend the budget, so fixing a form error costs nothing.
  const spent = isNewAccount(seller.createdAt, now) ? 1 : 0;
  if (spent) await deps.rateLimits.consume('newAccountListings', seller.id);
  return refundBudgetIfNotStored(deps, seller.id, spent, () =>
    deps.db.transaction().execute(async (trx) => {
      const listing = await listingsRepository.insert(trx, draftRow(seller.id, input));
      await beforeCommit?.(trx, listing);
      return listing;
    }),
  );
}

/** The terms a create input names (a fixed listing may leave out its starting price). */
export function termsOf(input: CreateListingInput): PriceTerms {
  return {
    auctionType: input.auctionType,
    startingPriceCents: input.startingPriceCents ?? null,
    reservePriceCents: input.reservePriceCents ?? null,
    buyNowPriceCents: input.buyNowPriceCents ?? null,
  };
}

/** The row of a new draft from a create input that passed the listing rules. */
export function draftRow(sellerId: string, input: CreateListingInput): NewListing {
  const terms = termsOf(input);
  const startingPriceCents = storedStartingPrice(terms);
  return {
    sellerId,
    title: input.title,
    description: input.description ?? '',
    categorySlug: input.category,
    condition: input.condition,
    auctionType: input.auctionType,
    startingPriceCents,
    reservePriceCents: terms.reservePriceCents,
    buyNowPriceCents: terms.buyNowPriceCents,
    currentPriceCents: startingPriceCents,
    startsAt: toDate(input.startsAt),
    endsAt: toDate(input.endsAt),
    locationLat: input.location?.lat ?? null,
    locationLng: input.location?.lng ?? null,
    locationName: input.location?.name ?? null,
  };
}
