import type { Trx } from '../../../db/connection';
import type { Platform } from '../../shared/platform';
import { conflict, notFound } from '../../shared/errors';
import { notificationJob } from '../../shared/jobs';
import { writeOutbox } from '../../shared/outbox';
import { appendListingEvents } from '../auctions';
import { listingsRepository } from './listings.repository';
import { takedownRepository } from './takedown.repository';

type TakedownDeps = Pick<Platform, 'db' | 'clock'>;

export interface TakedownResult {
  listingId: string;
  title: string;
  sellerId: string;
  previousStatus: string;
  bidderIds: string[];
  watcherIds: string[];
}

/**
 * Staff takedown (SPEC §2 "admin any time"): cancels a draft, scheduled or active listing even with
 * bids, under the same row lock as every other auction command, so no bid or close interleaves. The
 * listing room gets `auction_ended {outcome: 'cancelled'}`; the seller, every bidder and every watcher
 * get a `listing_cancelled` notification (their user rooms hear it live). `record` runs in the same
 * transaction (the caller's audit entry commits with the cancellation, or neither does).
 * An ended listing → 409 `listing_ended` (a sale exists: that is a dispute, not a takedown). A draft
 * taken down stays visible only to its seller and staff, as it was.
 */
export async function takeDownListing(
  deps: TakedownDeps,
  listingId: string,
  reason: string,
  record: (trx: Trx, result: TakedownResult) => Promise<void>,
): Promise<TakedownResult> {
  return deps.db.transaction().execute(async (trx) => {
    const listing = await listingsRepository.lockById(trx, listingId);
    if (!listing) throw notFound('listing');
    if (listing.status === 'cancelled') throw conflict('listing_already_cancelled', 'The listing is already cancelled.');
    if (listing.status !== 'draft' && listing.status !== 'scheduled' && listing.status !== 'active') {
      throw conflict('listing_ended', `The listing has already ended (${listing.status}).`);
    }
    await listingsRepository.update(trx, listingId, { status: 'cancelled', cancelledAt: deps.clock.now() });
    const { bidderIds, watcherIds } = await takedownRepository.audience(trx, listingId);
    const result = { listingId, title: listing.title, sellerId: listing.sellerId, previousStatus: listing.status, bidderIds, watcherIds };
    // A draft's takedown stores no event: its empty stream is what keeps the cancelled listing as
    // unseen as the draft it was (`neverPublished`), its title never having been public.
    const events =
      listing.status === 'draft'
        ? []
        : await appendListingEvents(trx, listingId, [{ type: 'auction_ended', payload: { outcome: 'cancelled', finalPriceCents: null } }]);
    const recipients = [...new Set([listing.sellerId, ...bidderIds, ...watcherIds])];
    await writeOutbox(trx, [
      ...events,
      ...recipients.map((userId) =>
        notificationJob({
          userId,
          type: 'listing_cancelled',
          dedupeKey: `takedown-${listingId}-${userId}`,
          text:
            userId === listing.sellerId
              ? { key: 'listing_taken_down', params: { listingTitle: listing.title, reason } }
              : { key: 'listing_cancelled', params: { listingTitle: listing.title, by: 'staff' } },
          data: { listingId },
        }),
      ),
    ]);
    await record(trx, result);
    return result;
  });
}
