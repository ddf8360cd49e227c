import type { Platform } from '../../shared/platform';
import { conflict, notFound } from '../../shared/errors';
import { notificationJob } from '../../shared/jobs';
import { writeOutbox } from '../../shared/outbox';
import { appendListingEvents } from '../auctions';
import { listingsRepository } from './listings.repository';
import { assertSeller } from './listings.policy';
import { takedownRepository } from './takedown.repository';
import type { Ctx } from '../../shared/context';

/**
 * The bidding module's bids in flight (`BidsInFlight`): bids are stamped on receipt on its Redis
 * clock (the auction clock, on which the close also decides whether an auction has ended) and
 * decided by the bids worker moments later. Stated by its shape: the listings module sits below bidding.
 */
export interface BidsInFlightView {
  /** Redis time now and how many bids the listing received by then are still undecided. */
  undecidedNow(listingId: string): Promise<{ now: number; undecided: number }>;
  /** Clears marks nothing will ever decide (no command behind them, older than the intake grace); answers their ids. */
  clearAbandoned(listingId: string, endsAt: number): Promise<string[]>;
}

type CancelDeps = Pick<Platform, 'db' | 'clock'> & { bidsInFlight: BidsInFlightView };

export type RemoveOutcome = 'deleted' | 'cancelled' | 'already_cancelled';

/**
 * DELETE on a listing, decided under its row lock: a draft is soft-deleted; a scheduled or active
 * listing without bids is cancelled (an `auction_ended {outcome: 'cancelled'}` event goes out through
 * the outbox in the same transaction, with a `listing_cancelled` notification to each watcher); with
 * bids → 409 `listing_has_bids`, and so while a bid received before the cancel is still undecided (the
 * buyer bid first, and may have been answered 202: the listing has a bid); an ended one → 409
 * `listing_ended`, and so is one past its end the close has not decided yet: the auction is over and
 * the close decides it (bids received before the end may still be waiting to be decided; a cancel now
 * would discard them). An admin takedown is not bound by this.
 */
export async function removeListing(deps: CancelDeps, ctx: Ctx, id: string): Promise<RemoveOutcome> {
  // Read before the transaction, as buy-now does (no network call inside one), on the clock bids are
  // stamped on. A cancel that waited for the row lock across the end is decided as of its arrival,
  // like one asked just before the end. A bid received before this read and not yet decided is
  // refused as listing_has_bids, as bid_count would be once the worker decides it (waiting for the
  // decision, as the close does, would hold the request as long as the bids worker is behind). A bid
  // stamped after this read is decided under the listing's row lock too: before our lock, bid_count
  // shows it below; after our commit, the worker finds the listing cancelled and refuses it
  // (auction_not_active), as any bid received after the cancel. Either way no bid is lost unanswered.
  const { now: auctionNow, undecided } = await bidsInFlight(deps.bidsInFlight, id);
  return deps.db.transaction().execute(async (trx) => {
    const listing = await listingsRepository.lockById(trx, id);
    if (!listing) throw notFound('listing');
    assertSeller(listing, ctx.actor);
    const now = deps.clock.now();
    switch (listing.status) {
      case 'draft':
        await listingsRepository.update(trx, id, { deletedAt: now });
        return 'deleted';
      case 'cancelled':
        return 'already_cancelled';
      case 'scheduled':
      case 'active': {
        if (listing.endsAt && listing.endsAt.getTime() <= auctionNow) throw conflict('listing_ended', 'The listing has ended; its close decides it.');
        // bid_count is only written under this lock, so re-reading it here is decisive.
        if (listing.bidCount > 0) throw conflict('listing_has_bids', 'A listing with bids cannot be cancelled.');
        if (undecided > 0) throw conflict('listing_has_bids', 'A bid on this listing is being decided; a listing with bids cannot be cancelled.');
        await listingsRepository.update(trx, id, { status: 'cancelled', cancelledAt: now });
        const events = await appendListingEvents(trx, id, [{ type: 'auction_ended', payload: { outcome: 'cancelled', finalPriceCents: null } }]);
        const { bidderIds, watcherIds } = await takedownRepository.audience(trx, id);
        const audience = [...new Set([...bidderIds, ...watcherIds])].filter((userId) => userId !== listing.sellerId);
        await writeOutbox(trx, [
          ...events,
          ...audience.map((userId) =>
            notificationJob({
              userId,
              type: 'listing_cancelled',
              dedupeKey: `cancelled-${id}-${userId}`,
              text: { key: 'listing_cancelled', params: { listingTitle: listing.title, by: 'seller' } },
              data: { listingId: id },
            }),
          ),
        ]);
        return 'cancelled';
      }
      default:
        throw conflict('listing_ended', `The listing has already ended (${listing.status}).`);
    }
  });
}

/**
 * The auction clock now and the listing's undecided bids received by then. Marks nothing will ever
 * decide (left by a process that died between two steps: rare) are cleared first, as the close does,
 * so they cannot block the cancel; that also re-drains commands left with no drain, so a refused
 * seller can soon retry.
 */
async function bidsInFlight(view: BidsInFlightView, listingId: string): Promise<{ now: number; undecided: number }> {
  const { now, undecided } = await view.undecidedNow(listingId);
  if (undecided === 0) return { now, undecided };
  const abandoned = await view.clearAbandoned(listingId, now);
  return { now, undecided: undecided - abandoned.length };
}
