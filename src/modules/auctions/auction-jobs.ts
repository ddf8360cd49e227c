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

/** The delayed job that closes a listing at `endsAt`; a new end time gets a new job id. */
export function closeJob(listingId: string, endsAt: Date): OutboxJob<'auction.close'> {
  return jobFor('auction.close', { listingId }, listingJobOpts('close', listingId, endsAt, endsAt.getTime() - CLOSE_LEAD_MS));
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
  const jobs: OutboxJob[] = [closeJob(listing.id, listing.endsAt), endingSoonJob(listing.id, listing.endsAt, timing.endingSoonLeadSec)];
  // An auction shorter than the push lead gets no 15-minute reminder (it would fire at its start).
  if (listing.endsAt.getTime() - ENDING_SOON_PUSH_LEAD_MS >= listing.startsAt.getTime())
    jobs.push(endingSoonPushJob(listing.id, listing.endsAt));
  if (listing.status === 'scheduled') jobs.unshift(openJob(listing.id, listing.startsAt));
  return jobs;
}
