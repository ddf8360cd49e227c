import { jobId } from '../../shared/jobs';
import { jobFor, type OutboxJob } from '../../shared/outbox';

/**
 * Where a delayed `auctions` job for one listing goes in time, and its id, keyed by the time it is
 * about (`at`): when that time moves (soft close), the new job gets a new id instead of being
 * swallowed as a duplicate.
 */
const listingJobOpts = (idPrefix: string, listingId: string, at: Date, runAt: number) => ({ jobId: jobId(idPrefix, listingId, at.getTime()), runAt });

/**
 * Close jobs are queued this long before the deadline and then wait for it in-process: BullMQ's
 * delayed jobs fire up to one Redis `hz` tick late (~100 ms at the default hz 10); a timer is ~1 ms.
 */
export const CLOSE_LEAD_MS = 300;

/** The epoch second an end time falls in: the key of the close job that closes it. */
const closeSecondOf = (endsAt: Date): number => Math.floor(endsAt.getTime() / 1000);

/**
 * The delayed job that closes every listing ending within the second of `endsAt`. One job per
 * second of ends, not per listing: a thousand auctions ending together were a thousand BullMQ jobs
 * (≈ 50 Redis commands each) competing for the worker in the very second they had to close.
 * Listings sharing the second share the job id, so the relay adds it once; an end moved by soft
 * close falls in a later second and so gets (or joins) that second's job.
 */
export function closeJob(endsAt: Date): OutboxJob<'auction.close_second'> {
  const second = closeSecondOf(endsAt);
  return jobFor('auction.close_second', { second }, { jobId: jobId('close', second), runAt: second * 1000 - CLOSE_LEAD_MS });
}

/**
 * A close job for one listing: what the overdue sweep queues for a listing whose second's job is
 * gone (`attempt` makes the id new each time it has to).
 */
export function listingCloseJob(listingId: string, endsAt: Date, attempt: string): OutboxJob<'auction.close'> {
  return jobFor('auction.close', { listingId }, { jobId: jobId('close', listingId, endsAt.getTime(), attempt) });
}

/** Default lead of `ending_soon` (config `timing.endingSoonLeadSec`, env ENDING_SOON_LEAD_SEC). */
export const DEFAULT_ENDING_SOON_LEAD_SEC = 60;

/**
 * The delayed job that announces `ending_soon` `leadSec` before `endsAt`. Scheduled wherever a close
 * job is (publish, soft-close extension); its handler does nothing once the end has moved or the
 * listing has closed, so stale jobs of an extended auction are harmless. A new end time gets a new id.
 */
export function endingSoonJob(listingId: string, endsAt: Date, leadSec: number = DEFAULT_ENDING_SOON_LEAD_SEC): OutboxJob<'auction.ending_soon'> {
  return jobFor(
    'auction.ending_soon',
    { listingId, endsAt: endsAt.getTime() },
    listingJobOpts('endingsoon', listingId, endsAt, endsAt.getTime() - leadSec * 1000),
  );
}

/** SPEC §7: watchers and bidders get a push this long before the end. */
export const ENDING_SOON_PUSH_LEAD_MS = 15 * 60 * 1000;

/** The delayed job that pushes `ending_soon` notifications 15 minutes before `endsAt`. */
export function endingSoonPushJob(listingId: string, endsAt: Date): OutboxJob<'auction.ending_soon_push'> {
  return jobFor('auction.ending_soon_push', { listingId }, listingJobOpts('endingsoonpush', listingId, endsAt, endsAt.getTime() - ENDING_SOON_PUSH_LEAD_MS));
}

/** The delayed job that opens a scheduled listing at `startsAt`. */
export function openJob(listingId: string, startsAt: Date): OutboxJob<'auction.open'> {
  return jobFor('auction.open', { listingId }, listingJobOpts('open', listingId, startsAt, startsAt.getTime()));
}

/**
 * Jobs a freshly published listing needs: open (if scheduled), close and ending-soon. Pass
 * `config.timing` so ENDING_SOON_LEAD_SEC applies.
 */
export function jobsForPublishedListing(
  listing: { id: string; status: string; startsAt: Date; endsAt: Date },
  timing: { endingSoonLeadSec: number } = { endingSoonLeadSec: DEFAULT_ENDING_SOON_LEAD_SEC },
): OutboxJob[] {
  const jobs: OutboxJob[] = [closeJob(listing.endsAt), endingSoonJob(listing.id, listing.endsAt, timing.endingSoonLeadSec)];
  // An auction shorter than the push lead gets no 15-minute reminder (it would fire at its start).
  if (listing.endsAt.getTime() - ENDING_SOON_PUSH_LEAD_MS >= listing.startsAt.getTime())
    jobs.push(endingSoonPushJob(listing.id, listing.endsAt));
  if (listing.status === 'scheduled') jobs.unshift(openJob(listing.id, listing.startsAt));
  return jobs;
}
