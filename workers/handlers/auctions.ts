import { closeAuction, closeJob, closeSecond, listingCloseJob, openAuction, openJob, overdueListings } from '../../src/modules/auctions';
import { enqueue, jobId, queueOf, type JobName, type Queues } from '../../src/shared/jobs';
import type { JobHandler } from '../registry';

/** Closes every listing ending within one second, each at its end (idempotent; waits for bids in flight). */
export const closeEndingSecond: JobHandler<'auction.close_second'> = async (deps, { second }) => closeSecond(deps, second);

/** Closes one overdue listing (the sweep's re-drive; idempotent). */
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
 * Safety net: re-enqueues close/open for anything overdue whose job is gone (lost with Redis's data,
 * or failed for good). A listing whose second's close job (or open job) is still queued or running
 * is left to it: in a late burst of closes a second job per listing only adds work where it hurts
 * most. Job ids carry a minute bucket so a listing whose job was lost is retried once a minute, not
 * on every sweep.
 */
export const sweep: JobHandler<'auction.sweep'> = async (deps) => {
  const { due, starting } = await overdueListings(deps);
  const attempt = `sweep${Math.floor(Date.now() / 60_000)}`;
  const secondJobIds = [...new Set(due.map((l) => closeJob(l.endsAt!).jobId!))];
  const secondsPending = await Promise.all(secondJobIds.map((id) => stillToRun(deps.queues, 'auction.close_second', id)));
  const leftToTheirSecond = new Set(secondJobIds.filter((_, i) => secondsPending[i]));
  const closes = due.filter((l) => !leftToTheirSecond.has(closeJob(l.endsAt!).jobId!)).map((l) => listingCloseJob(l.id, l.endsAt!, attempt));
  const opens = starting.map((l) => openJob(l.id, l.startsAt!));
  const opensPending = await Promise.all(opens.map((job) => stillToRun(deps.queues, job.name, job.jobId!)));
  const reopens = opens.filter((_, i) => !opensPending[i]).map((job) => ({ ...job, jobId: jobId(job.jobId!, attempt) }));
  for (const job of [...closes, ...reopens]) await enqueue(deps.queues, job.name, job.data, { jobId: job.jobId });
  return { due: due.length, starting: starting.length, requeued: closes.length + reopens.length };
};
