import type { Platform } from '../../shared/platform';
import { notFound } from '../../shared/errors';
import { assertListingRules, assertMayList, shareLockSeller, toDate, type RuleSubject } from './listing-checks';
import { listingsRepository, type ListingPatch, type ListingRow } from './listings.repository';
import { assertDescriptionGrows, assertEditable, assertSeller, DRAFT_FIELDS, type EditableField } from './listings.policy';
import { storedStartingPrice, type PriceTerms } from './listings.rules';
import type { UpdateListingInput } from './listings.schemas';
import type { Ctx } from '../../shared/context';

type UpdateDeps = Pick<Platform, 'db' | 'config' | 'clock'>;

const PRICE_FIELDS: readonly EditableField[] = ['auctionType', 'startingPriceCents', 'reservePriceCents', 'buyNowPriceCents'];
const time = (d: Date | null) => d?.getTime() ?? null;

/** Fields whose value the patch actually changes (sending a field back unchanged is not a change). */
export function changedFields(listing: ListingRow, patch: UpdateListingInput): EditableField[] {
  const current: Record<EditableField, unknown> = {
    title: listing.title,
    description: listing.description,
    category: listing.categorySlug,
    condition: listing.condition,
    auctionType: listing.auctionType,
    startingPriceCents: listing.startingPriceCents,
    reservePriceCents: listing.reservePriceCents,
    buyNowPriceCents: listing.buyNowPriceCents,
    startsAt: time(listing.startsAt),
    endsAt: time(listing.endsAt),
    location: listing.locationLat === null ? null : `${listing.locationLat},${listing.locationLng},${listing.locationName}`,
  };
  const next: Partial<Record<EditableField, unknown>> = {
    ...patch,
    startsAt: patch.startsAt === undefined ? undefined : time(toDate(patch.startsAt)),
    endsAt: patch.endsAt === undefined ? undefined : time(toDate(patch.endsAt)),
    location: patch.location === undefined ? undefined : patch.location && `${patch.location.lat},${patch.location.lng},${patch.location.name}`,
  };
  return DRAFT_FIELDS.filter((field) => next[field] !== undefined && next[field] !== current[field]);
}

/** The draft's prices after the patch; a fixed listing re-derives its starting price unless given. */
function mergedTerms(listing: ListingRow, patch: UpdateListingInput): PriceTerms {
  const auctionType = patch.auctionType ?? listing.auctionType;
  const keptStart = auctionType === 'fixed' ? null : listing.startingPriceCents;
  return {
    auctionType,
    startingPriceCents: patch.startingPriceCents ?? keptStart,
    reservePriceCents: patch.reservePriceCents === undefined ? listing.reservePriceCents : patch.reservePriceCents,
    buyNowPriceCents: patch.buyNowPriceCents === undefined ? listing.buyNowPriceCents : patch.buyNowPriceCents,
  };
}

/** Column values for the changed fields. */
function columnsFor(listing: ListingRow, patch: UpdateListingInput, changed: EditableField[]): ListingPatch {
  const has = (f: EditableField) => changed.includes(f);
  const columns: ListingPatch = {};
  if (has('title')) columns.title = patch.title;
  if (has('description')) columns.description = patch.description;
  if (has('category')) columns.categorySlug = patch.category;
  if (has('condition')) columns.condition = patch.condition;
  if (has('startsAt')) columns.startsAt = toDate(patch.startsAt);
  if (has('endsAt')) columns.endsAt = toDate(patch.endsAt);
  if (has('location')) {
    columns.locationLat = patch.location?.lat ?? null;
    columns.locationLng = patch.location?.lng ?? null;
    columns.locationName = patch.location?.name ?? null;
  }
  if (PRICE_FIELDS.some(has)) {
    const terms = mergedTerms(listing, patch);
    const start = storedStartingPrice(terms);
    Object.assign(columns, { auctionType: terms.auctionType, startingPriceCents: start, currentPriceCents: start });
    Object.assign(columns, { reservePriceCents: terms.reservePriceCents, buyNowPriceCents: terms.buyNowPriceCents });
  }
  return columns;
}

/** What to re-validate on a draft: only the rule groups the patch touches (publish checks them all). */
function ruleSubject(listing: ListingRow, patch: UpdateListingInput, changed: EditableField[]): RuleSubject {
  const has = (f: EditableField) => changed.includes(f);
  return {
    category: has('category') ? patch.category : undefined,
    terms: PRICE_FIELDS.some(has) ? mergedTerms(listing, patch) : undefined,
    schedule:
      has('startsAt') || has('endsAt')
        ? {
            startsAt: patch.startsAt === undefined ? listing.startsAt : toDate(patch.startsAt),
            endsAt: patch.endsAt === undefined ? listing.endsAt : toDate(patch.endsAt),
          }
        : undefined,
  };
}

/**
 * Edits a listing for its seller, under the row lock: drafts freely (rules re-checked on the merged
 * result), published listings within `assertEditable`'s limits. A seller who may not list (suspended)
 * may not edit either: 403 `account_suspended`.
 */
export async function updateListing(deps: UpdateDeps, ctx: Ctx, id: string, patch: UpdateListingInput): Promise<ListingRow> {
  return deps.db.transaction().execute(async (trx) => {
    // A suspended seller may not edit what they listed (a suspension in flight is waited for); the
    // account is locked before the listing, in `shareLockSeller`'s order.
    const seller = await shareLockSeller(trx, ctx.actor.userId);
    const listing = await listingsRepository.lockById(trx, id);
    if (!listing) throw notFound('listing');
    assertSeller(listing, ctx.actor);
    assertMayList(seller);
    const changed = changedFields(listing, patch);
    assertEditable(listing, changed);
    if (changed.length === 0) return listing;
    if (changed.includes('description')) assertDescriptionGrows(listing, patch.description!);
    if (listing.status === 'draft') await assertListingRules(trx, deps.config, ruleSubject(listing, patch, changed), deps.clock.now());
    return listingsRepository.update(trx, id, columnsFor(listing, patch, changed));
  });
}
