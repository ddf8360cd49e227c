import { closeAuction, openAuction, overdueListings } from '../../src/modules/auctions';
import { closeJob, openJob } from '../../src/modules/auctions';
import { enqueue, jobId } from '../../src/shared/jobs';
import type { JobHandler } from '../registry';

/** Closes a listing at its end (idempotent; waits for bids in flight). */
export const close: JobHandler<'auction.close'> = async (deps, { listingId }) => closeAuction(deps, listingId);

/** Opens a scheduled listing at its start (idempotent). */
export const open: JobHandler<'auction.open'> = async (deps, { listingId }) => openAuction(deps, listingId);

/**
 * Safety net: re-enqueues close/open for anything overdue. Job ids carry a minute bucket so a
 * listing whose job was lost is retried once a minute, not on every sweep.
 */
export const sweep: JobHandler<'auction.sweep'> = async (deps) => {
  const { due, starting } = await overdueListings(deps);
  const bucket = Math.floor(Date.now() / 60_000);
  for (const l of due) {
    const job = closeJob(l.id, l.endsAt!);
    await enqueue(deps.queues, job.name, job.data, { jobId: jobId(job.jobId!, `sweep${bucket}`) });
  }
  for (const l of starting) {
    const job = openJob(l.id, l.startsAt!);
    await enqueue(deps.queues, job.name, job.data, { jobId: jobId(job.jobId!, `sweep${bucket}`) });
  }
  return { due: due.length, starting: starting.length };
};
