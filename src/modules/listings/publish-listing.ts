import type { Platform } from '../../shared/platform';
import { conflict, notFound, unprocessable } from '../../shared/errors';
import { writeOutbox } from '../../shared/outbox';
import { jobsForPublishedListing } from '../auctions';
import { assertListingRules, assertMayList, shareLockSeller } from './listing-checks';
import { listingsRepository, type ListingRow } from './listings.repository';
import { assertSeller } from './listings.policy';
import { followerFanoutJob } from './notify-followers';
import { publishSchedule } from './listings.rules';
import type { Ctx } from '../../shared/context';

type PublishDeps = Pick<Platform, 'db' | 'config' | 'clock'>;

/**
 * Publishes a draft under its row lock: every rule is checked again on the final listing, the status
 * becomes `active` (starting now) or `scheduled`, and the open/close jobs are written to the outbox in
 * the same transaction — so a published listing always has its jobs, and a rolled-back one none. The
 * followers' fan-out job rides in the same commit.
 *
 * The seller's standing is read under their account's share lock, taken first: once a suspension (or an
 * account deletion) has answered, no listing of theirs can still go live.
 */
export async function publishListing(deps: PublishDeps, ctx: Ctx, id: string): Promise<ListingRow> {
  return deps.db.transaction().execute(async (trx) => {
    const seller = await shareLockSeller(trx, ctx.actor.userId);
    const listing = await listingsRepository.lockById(trx, id);
    if (!listing) throw notFound('listing');
    assertSeller(listing, ctx.actor);
    if (listing.status !== 'draft') throw conflict('listing_not_draft', `The listing is already ${listing.status}.`);
    assertMayList(seller);
    const now = deps.clock.now();
    const terms = {
      auctionType: listing.auctionType,
      startingPriceCents: listing.startingPriceCents,
      reservePriceCents: listing.reservePriceCents,
      buyNowPriceCents: listing.buyNowPriceCents,
    };
    await assertListingRules(trx, deps.config, { category: listing.categorySlug, terms }, now);
    const planned = publishSchedule(listing, listing.auctionType, now, { minDurationSec: deps.config.timing.auctionMinDurationSec });
    if (!planned.ok) throw unprocessable('listing_rules_violated', 'The listing cannot be published with this schedule.', { errors: planned.errors });
    const { status, startsAt, endsAt } = planned.schedule;
    const published = await listingsRepository.update(trx, id, { status, startsAt, endsAt, currentPriceCents: listing.startingPriceCents });
    // Followers are told by a job (batched), never by this request.
    await writeOutbox(trx, [...jobsForPublishedListing({ id, status, startsAt, endsAt }, deps.config.timing), followerFanoutJob(id)]);
    return published;
  });
}
