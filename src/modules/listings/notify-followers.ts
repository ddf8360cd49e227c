import type { Platform } from '../../shared/platform';
import { jobId, notificationJob } from '../../shared/jobs';
import { jobFor, writeOutbox, type OutboxJob } from '../../shared/outbox';
import { followersOfSeller } from '../users';
import { listingsRepository } from './listings.repository';

/** Followers told per job: one outbox write of this many notifications, then the next batch's job. */
export const FOLLOWER_BATCH = 500;

/** The fan-out job of a published listing, from the start or after a follower id. */
export function followerFanoutJob(listingId: string, afterFollowerId?: string): OutboxJob<'listing.notify_followers'> {
  return jobFor('listing.notify_followers', afterFollowerId ? { listingId, afterFollowerId } : { listingId }, {
    jobId: jobId('follower-fanout', listingId, afterFollowerId ?? 'start'),
  });
}

export type FanoutOutcome = { notified: number; more: boolean } | 'not_published';

/**
 * `listing.notify_followers` (SPEC §9): when a seller publishes, their followers are notified — never in
 * the request, and in batches of FOLLOWER_BATCH so a seller with 100,000 followers is many small jobs.
 * Each batch writes its notifications and the next batch's job in one commit; a retried batch rewrites
 * the same dedupe keys and job id, so nobody is told twice. A listing taken down meanwhile stops it.
 */
export async function notifyFollowers(deps: Pick<Platform, 'db'>, listingId: string, afterFollowerId?: string): Promise<FanoutOutcome> {
  const listing = await listingsRepository.findById(deps.db, listingId);
  if (!listing || listing.deletedAt || (listing.status !== 'active' && listing.status !== 'scheduled')) return 'not_published';
  return deps.db.transaction().execute(async (trx) => {
    const followers = await followersOfSeller(trx, listing.sellerId, FOLLOWER_BATCH, afterFollowerId);
    const more = followers.length === FOLLOWER_BATCH;
    await writeOutbox(trx, [
      ...followers.map((userId) =>
        notificationJob({
          userId,
          type: 'followed_seller_listed',
          dedupeKey: `followed-listed-${listing.id}-${userId}`,
          text: { key: 'followed_seller_listed', params: { listingTitle: listing.title, startsAt: listing.status === 'scheduled' && listing.startsAt ? listing.startsAt.toISOString() : null } },
          data: { listingId: listing.id, sellerId: listing.sellerId },
        }),
      ),
      ...(more ? [followerFanoutJob(listing.id, followers[followers.length - 1])] : []),
    ]);
    return { notified: followers.length, more };
  });
}
