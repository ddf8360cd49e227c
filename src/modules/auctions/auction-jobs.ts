import type { OutboxJob } from '../../shared/outbox';
import { jobId } from '../../shared/queues';

/** The delayed job that closes a listing at `endsAt`; a new end time gets a new job id. */
export function closeJob(listingId: string, endsAt: Date): OutboxJob {
  return {
    kind: 'job',
    queue: 'auctions',
    name: 'auction.close',
    data: { listingId },
    jobId: jobId('close', listingId, endsAt.getTime()),
    runAt: endsAt.getTime(),
  };
}

/** The delayed job that opens a scheduled listing at `startsAt`. */
export function openJob(listingId: string, startsAt: Date): OutboxJob {
  return {
    kind: 'job',
    queue: 'auctions',
    name: 'auction.open',
    data: { listingId },
    jobId: jobId('open', listingId, startsAt.getTime()),
    runAt: startsAt.getTime(),
  };
}

/** Jobs a freshly published listing needs: open (if scheduled) and close. */
export function jobsForPublishedListing(listing: { id: string; status: string; startsAt: Date; endsAt: Date }): OutboxJob[] {
  const jobs = [closeJob(listing.id, listing.endsAt)];
  if (listing.status === 'scheduled') jobs.unshift(openJob(listing.id, listing.startsAt));
  return jobs;
}
