import { closeAuction, openAuction, overdueListings } from '../../src/modules/auctions';
import { closeJob, openJob } from '../../src/modules/auctions';
import { enqueue, jobId, queueOf, type JobName, type Queues } from '../../src/shared/jobs';
import type { JobHandler } from '../registry';

/** Closes a listing at its end (idempotent; waits for bids in flight). */
export const close: JobHandler<'auction.close'> = async (deps, { listingId }) => closeAuction(deps, listingId);

/** Opens a scheduled listing at its start (idempotent). */
export const open: JobHandler<'auction.open'> = async (deps, { listingId }) => openAuction(deps, listingId);

/** BullMQ states in which a job will still run (a dead worker's active job is taken over as stalled). */
const STILL_TO_RUN = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

/** Is the job `id` of `name` still queued or running? (one Redis call) */
async function stillToRun(queues: Queues, name: JobName, id: string): Promise<boolean> {
  return STILL_TO_RUN.has(await queues[queueOf(name)].getJobState(id));
}

/**
 * Safety net: re-enqueues close/open for anything overdue whose own job is gone (lost with Redis's
 * data, or failed for good). A listing whose job is still queued or running is left to it: in a late
 * burst of closes a second job per listing only adds work where it hurts most. Job ids carry a
 * minute bucket so a listing whose job was lost is retried once a minute, not on every sweep.
 */
export const sweep: JobHandler<'auction.sweep'> = async (deps) => {
  const { due, starting } = await overdueListings(deps);
  const bucket = Math.floor(Date.now() / 60_000);
  const jobs = [...due.map((l) => closeJob(l.id, l.endsAt!)), ...starting.map((l) => openJob(l.id, l.startsAt!))];
  const pending = await Promise.all(jobs.map((job) => stillToRun(deps.queues, job.name, job.jobId!)));
  let requeued = 0;
  for (const [i, job] of jobs.entries()) {
    if (pending[i]) continue;
    await enqueue(deps.queues, job.name, job.data, { jobId: jobId(job.jobId!, `sweep${bucket}`) });
    requeued += 1;
  }
  return { due: due.length, starting: starting.length, requeued };
};
