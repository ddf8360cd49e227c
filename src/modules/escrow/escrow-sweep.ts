import type { Platform } from '../../shared/platform';
import { enqueue, jobId } from '../../shared/jobs';
import { releaseJob, stripeEventJob } from '../../shared/jobs/money-jobs';
import { enforcePaymentDeadline } from './payment-deadline';
import { escrowRepository } from './escrow.repository';

/** Rows handled per kind in one pass; the next pass takes the rest. */
const BATCH = 100;

type SweepDeps = Pick<Platform, 'db' | 'payments' | 'config' | 'clock' | 'logger' | 'queues'>;

/**
 * `escrow.sweep` — the safety net for a lost Redis job (every step is idempotent, so a duplicate is
 * harmless): overdue payment deadlines are enforced, stored webhook events still unprocessed are
 * queued again, and payouts that are due but never went out are re-queued. Job ids carry a minute
 * bucket so a stuck row is retried once per pass, not piled up.
 */
export async function sweepEscrow(deps: SweepDeps): Promise<{ deadlines: number; events: number; releases: number }> {
  const bucket = Math.floor(Date.now() / 60_000);
  const overdue = await escrowRepository.overduePayments(deps.db, BATCH);
  for (const { id } of overdue) {
    await enforcePaymentDeadline(deps, id).catch((err) => deps.logger.warn({ err, transactionId: id }, 'sweep: deadline not enforced yet'));
  }
  const events = await escrowRepository.unprocessedStripeEvents(deps.db, BATCH);
  for (const { id } of events) {
    const job = stripeEventJob(id);
    await enqueue(deps.queues, job.name, job.data, { jobId: jobId(job.jobId!, 'sweep', bucket) });
  }
  const releases = await escrowRepository.duePayouts(deps.db, BATCH);
  for (const r of releases) {
    const job = releaseJob(r.id, r.status === 'in_escrow' ? 'qr_verified' : 'dispute_resolved', `sweep${bucket}`);
    await enqueue(deps.queues, job.name, job.data, { jobId: job.jobId });
  }
  return { deadlines: overdue.length, events: events.length, releases: releases.length };
}
