import type { Trx } from '../../../db/connection';
import type { Platform } from '../../shared/platform';
import { conflict, notFound } from '../../shared/errors';
import { notificationJob } from '../../shared/jobs';
import { writeOutbox } from '../../shared/outbox';
import { appendListingEvents } from '../auctions';
import { shareLockSeller } from './listing-checks';
import { listingsRepository, type ListingRow } from './listings.repository';
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
    const result = await cancelLocked(trx, deps, listing, reason);
    await record(trx, result);
    return result;
  });
}

/**
 * A staff suspension ends the seller's running listings (as eBay ends a suspended seller's listings),
 * so nothing they listed sells, and pays out, after staff stopped them: each scheduled or active
 * listing is taken down exactly as by `takeDownListing`, one listing per transaction. Each transaction
 * share-locks the seller's account first (the order of `shareLockSeller`), so an unsuspension that
 * committed before is seen — the listings of a seller no longer suspended are left running — and one
 * that comes later waits. Idempotent: a listing already cancelled or ended is skipped, so a re-run
 * after a crash takes down only what is left and sends nothing twice. Drafts are left (a suspended
 * seller cannot publish them), and so are ended listings: a sale already made goes on, as any open
 * transaction of a suspended account does. Lifting the suspension restores nothing taken down (the
 * seller relists if they wish).
 */
export async function takeDownSuspendedSellerListings(
  deps: TakedownDeps,
  sellerId: string,
  record: (trx: Trx, result: TakedownResult) => Promise<void>,
): Promise<{ takenDown: number }> {
  let takenDown = 0;
  for (const listingId of await takedownRepository.runningListingIdsOf(deps.db, sellerId)) {
    const outcome = await deps.db.transaction().execute(async (trx) => {
      const seller = await shareLockSeller(trx, sellerId);
      if (!seller?.suspendedAt) return 'lifted';
      const listing = await listingsRepository.lockById(trx, listingId);
      // Ended, cancelled or deleted since the read: nothing left to take down.
      if (!listing || (listing.status !== 'scheduled' && listing.status !== 'active')) return 'skipped';
      // The seller is not shown the suspension's reason: it is staff's record (never shown to the
      // user elsewhere), not a note written for them as a takedown's is.
      await record(trx, await cancelLocked(trx, deps, listing, null));
      return 'taken_down';
    });
    // The suspension was lifted (or the account deleted) before this job ran: the rest keep running too.
    if (outcome === 'lifted') break;
    if (outcome === 'taken_down') takenDown += 1;
  }
  return { takenDown };
}

/**
 * Cancels a listing the caller holds the row lock of: the room hears `auction_ended {outcome:
 * 'cancelled'}`, the seller, every bidder and every watcher get a `listing_cancelled` notification
 * (the seller's names `reasonForSeller` when there is one).
 */
async function cancelLocked(trx: Trx, deps: TakedownDeps, listing: ListingRow, reasonForSeller: string | null): Promise<TakedownResult> {
  const listingId = listing.id;
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
          userId === listing.sellerId && reasonForSeller !== null
            ? { key: 'listing_taken_down', params: { listingTitle: listing.title, reason: reasonForSeller } }
            : { key: 'listing_cancelled', params: { listingTitle: listing.title, by: 'staff' } },
        data: { listingId },
      }),
    ),
  ]);
  return result;
}
