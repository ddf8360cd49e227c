import type { Platform } from '../../shared/platform';
import { enqueue, jobId } from '../../shared/jobs';
import { jobNameOfIntent } from '../../shared/jobs/money-intent-key';
import { releaseJob, stripeEventJob } from '../../shared/jobs/money-jobs';
import { moneyIntentsRepository } from '../../shared/money-intents.repository';
import { writeOutbox } from '../../shared/outbox';
import { enforcePaymentDeadline } from './payment-deadline';
import { escrowRepository } from './escrow.repository';

/** Rows handled per kind in one pass; the next pass takes the rest. */
const BATCH = 100;

type SweepDeps = Pick<Platform, 'db' | 'payments' | 'config' | 'clock' | 'logger' | 'queues'>;

/**
 * Queues the money intents that are due again (after their backoff), or `running` under a lease
 * that expired (the worker died mid-attempt): the row is the truth, so an intent whose job Redis
 * lost (flushed, restarted) is driven from here. The job id carries the attempt count and a minute
 * bucket: one job per attempt and pass, never a pile-up.
 */
async function redriveMoneyIntents(deps: SweepDeps): Promise<number> {
  const now = deps.clock.now();
  const bucket = Math.floor(now.getTime() / 60_000);
  const due = await moneyIntentsRepository.due(deps.db, now, BATCH);
  for (const intent of due) {
    const name = jobNameOfIntent(intent.kind);
    await enqueue(deps.queues, name, intent.payload as never, { jobId: jobId('intent', intent.id, intent.attempts, bucket) });
  }
  return due.length;
}

/**
 * `escrow.sweep` — the safety net for a lost Redis job (every step is idempotent, so a duplicate is
 * harmless): overdue payment deadlines are enforced, stored webhook events still unprocessed are
 * queued again, money intents due again are re-driven, and payouts that are due but have no intent
 * (decided before intents existed, or an intent parked as not ready) get one. Job ids carry a minute
 * bucket so a stuck row is retried once per pass, not piled up.
 */
export async function sweepEscrow(deps: SweepDeps): Promise<{ deadlines: number; events: number; releases: number; intents: number }> {
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
  const intents = await redriveMoneyIntents(deps);
  const releases = await escrowRepository.duePayouts(deps.db, BATCH);
  if (releases.length > 0) {
    // Through the outbox: each due payout's intent is recorded (or woken) with its job.
    await deps.db.transaction().execute((trx) =>
      writeOutbox(
        trx,
        releases.map((r) => releaseJob(r.id, r.status === 'in_escrow' ? 'qr_verified' : 'dispute_resolved', `sweep${bucket}`)),
      ),
    );
  }
  return { deadlines: overdue.length, events: events.length, releases: releases.length, intents };
}
