import { sql } from 'kysely';
import type { Deps } from '../../composition';
import { writeOutbox } from '../../shared/outbox';
import { notificationJob } from '../../shared/jobs';
import { appendListingEvents } from './listing-events';

export type EndingSoonResult = 'announced' | 'moved' | 'not_active' | 'already' | 'gone';

/**
 * Announces `ending_soon {listingId, secondsRemaining, endsAt}` to the listing room as a stored
 * listing event (with its seq, so a reconnecting client can replay it). Runs from the delayed job
 * scheduled `ENDING_SOON_LEAD_SEC` before `endsAtMs`; idempotent: it does nothing when the end has
 * moved since (soft close scheduled another job), when the listing is no longer active or already
 * past its end, or when this end was already announced (a redelivered job).
 */
export async function announceEndingSoon(deps: Pick<Deps, 'db'>, listingId: string, endsAtMs: number): Promise<EndingSoonResult> {
  return deps.db.transaction().execute(async (trx) => {
    const listing = await trx
      .selectFrom('listings')
      .select(['status', 'endsAt'])
      .where('id', '=', listingId)
      .forUpdate()
      .executeTakeFirst();
    if (!listing) return 'gone';
    if (listing.status !== 'active' || !listing.endsAt) return 'not_active';
    if (listing.endsAt.getTime() !== endsAtMs) return 'moved';
    const remainingMs = endsAtMs - Date.now();
    if (remainingMs <= 0) return 'not_active';
    const endsAt = listing.endsAt.toISOString();
    const announced = await trx
      .selectFrom('listingEvents')
      .select('seq')
      .where('listingId', '=', listingId)
      .where('type', '=', 'ending_soon')
      .where(sql<string>`payload->>'endsAt'`, '=', endsAt)
      .executeTakeFirst();
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
export async function pushEndingSoon(deps: Pick<Deps, 'db'>, listingId: string): Promise<number> {
  return deps.db.transaction().execute(async (trx) => {
    const listing = await trx
      .selectFrom('listings')
      .select(['status', 'endsAt', 'sellerId', 'title'])
      .where('id', '=', listingId)
      .executeTakeFirst();
    if (!listing || listing.status !== 'active' || !listing.endsAt || listing.endsAt.getTime() <= Date.now()) return 0;
    const watchers = trx.selectFrom('watches').select('userId').where('listingId', '=', listingId);
    const bidders = trx
      .selectFrom('listingBidders')
      .select('bidderId as userId')
      .where('listingId', '=', listingId)
      .where('retractedAt', 'is', null);
    const recipients = (await watchers.union(bidders).execute()).map((r) => r.userId).filter((id) => id !== listing.sellerId);
    const minutes = Math.max(1, Math.round((listing.endsAt.getTime() - Date.now()) / 60_000));
    await writeOutbox(
      trx,
      recipients.map((userId) =>
        notificationJob({
          userId,
          type: 'ending_soon',
          dedupeKey: `ending-soon-${listingId}-${userId}`,
          title: 'Ending soon',
          body: `"${listing.title}" ends in ${minutes} minutes.`,
          data: { listingId, endsAt: listing.endsAt!.toISOString() },
        }),
      ),
    );
    return recipients.length;
  });
}
