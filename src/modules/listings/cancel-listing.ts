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
 * The auction clock: the bidding module's Redis server time (`BidsInFlight.now`), on which bids are
 * stamped on receipt and the close decides whether an auction has ended. Stated by its shape: the
 * listings module sits below bidding.
 */
export interface AuctionClock {
  now(): Promise<number>;
}

type CancelDeps = Pick<Platform, 'db' | 'clock'> & { bidsInFlight: AuctionClock };

export type RemoveOutcome = 'deleted' | 'cancelled' | 'already_cancelled';

/**
 * DELETE on a listing, decided under its row lock: a draft is soft-deleted; a scheduled or active
 * listing without bids is cancelled (an `auction_ended {outcome: 'cancelled'}` event goes out through
 * the outbox in the same transaction, with a `listing_cancelled` notification to each watcher); with
 * bids → 409 `listing_has_bids`; an ended one → 409 `listing_ended`, and so is one past its end the close
 * has not decided yet: the auction is over and the close decides it (bids received before the end may
 * still be waiting to be decided; a cancel now would discard them). An admin takedown is not bound by this.
 */
export async function removeListing(deps: CancelDeps, ctx: Ctx, id: string): Promise<RemoveOutcome> {
  // Read before the transaction, as buy-now does (no network call inside one): a cancel that waited
  // for the row lock across the end is decided as of its arrival, like one asked just before the end.
  const auctionNow = await deps.bidsInFlight.now();
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
