import type { Platform } from '../../shared/platform';
import { writeOutbox } from '../../shared/outbox';
import { notificationJob } from '../../shared/jobs';
import { findEndingSoonEvent, findListingForPush, lockListingEnd, watchersAndBidders } from './auctions.repository';
import { appendListingEvents } from './listing-events';

export type EndingSoonResult = 'announced' | 'moved' | 'not_active' | 'already' | 'gone';

/**
 * Announces `ending_soon {listingId, secondsRemaining, endsAt}` to the listing room as a stored
 * listing event (with its seq, so a reconnecting client can replay it). Runs from the delayed job
 * scheduled `ENDING_SOON_LEAD_SEC` before `endsAtMs`; idempotent: it does nothing when the end has
 * moved since (soft close scheduled another job), when the listing is no longer active or already
 * past its end, or when this end was already announced (a redelivered job).
 */
export async function announceEndingSoon(deps: Pick<Platform, 'db'>, listingId: string, endsAtMs: number): Promise<EndingSoonResult> {
  return deps.db.transaction().execute(async (trx) => {
    const listing = await lockListingEnd(trx, listingId);
    if (!listing) return 'gone';
    if (listing.status !== 'active' || !listing.endsAt) return 'not_active';
    if (listing.endsAt.getTime() !== endsAtMs) return 'moved';
    const remainingMs = endsAtMs - Date.now();
    if (remainingMs <= 0) return 'not_active';
    const endsAt = listing.endsAt.toISOString();
    const announced = await findEndingSoonEvent(trx, listingId, endsAt);
    if (announced) return 'already';
    const events = await appendListingEvents(trx, listingId, [
      { type: 'ending_soon', payload: { secondsRemaining: Math.round(remainingMs / 1000), endsAt } },
    ]);
    await writeOutbox(trx, events);
    return 'announced';
  });
}

/**
 * SPEC §7: 15 minutes before the end, push `ending_soon` to everyone watching or bidding (not the
 * seller). One notification per user and listing (dedupe key), queued through the outbox; nothing
 * for a listing that is no longer running.
 */
export async function pushEndingSoon(deps: Pick<Platform, 'db'>, listingId: string): Promise<number> {
  return deps.db.transaction().execute(async (trx) => {
    const listing = await findListingForPush(trx, listingId);
    if (!listing || listing.status !== 'active' || !listing.endsAt || listing.endsAt.getTime() <= Date.now()) return 0;
    const recipients = (await watchersAndBidders(trx, listingId)).filter((id) => id !== listing.sellerId);
    const minutes = Math.max(1, Math.round((listing.endsAt.getTime() - Date.now()) / 60_000));
    await writeOutbox(
      trx,
      recipients.map((userId) =>
        notificationJob({
          userId,
          type: 'ending_soon',
          dedupeKey: `ending-soon-${listingId}-${userId}`,
          text: { key: 'ending_soon', params: { listingTitle: listing.title, minutes } },
          data: { listingId, endsAt: listing.endsAt!.toISOString() },
        }),
      ),
    );
    return recipients.length;
  });
}
