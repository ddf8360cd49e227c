import { sql } from 'kysely';
import type { Deps } from '../../composition';
import { enqueue, jobId } from '../../shared/jobs';
import { releaseJob, stripeEventJob } from '../../shared/jobs/money-jobs';
import { enforcePaymentDeadline } from './payment-deadline';

/** Rows handled per kind in one pass; the next pass takes the rest. */
const BATCH = 100;
/** How long a step may legitimately be in flight before the sweep assumes its job was lost. */
const GRACE = sql`interval '2 minutes'`;

type SweepDeps = Pick<Deps, 'db' | 'payments' | 'config' | 'clock' | 'logger' | 'queues'>;

/**
 * `escrow.sweep` — the safety net for a lost Redis job (every step is idempotent, so a duplicate is
 * harmless): overdue payment deadlines are enforced, stored webhook events still unprocessed are
 * queued again, and payouts that are due but never went out are re-queued. Job ids carry a minute
 * bucket so a stuck row is retried once per pass, not piled up.
 */
export async function sweepEscrow(deps: SweepDeps): Promise<{ deadlines: number; events: number; releases: number }> {
  const bucket = Math.floor(Date.now() / 60_000);
  const overdue = await deps.db
    .selectFrom('transactions')
    .select('id')
    .where('status', '=', 'pending_payment')
    .where('paymentDueAt', '<', sql<Date>`now() - ${GRACE}`)
    .limit(BATCH)
    .execute();
  for (const { id } of overdue) {
    await enforcePaymentDeadline(deps, id).catch((err) => deps.logger.warn({ err, transactionId: id }, 'sweep: deadline not enforced yet'));
  }
  const events = await deps.db
    .selectFrom('stripeEvents')
    .select('id')
    .where('processedAt', 'is', null)
    .where('receivedAt', '<', sql<Date>`now() - ${GRACE}`)
    .limit(BATCH)
    .execute();
  for (const { id } of events) {
    const job = stripeEventJob(id);
    await enqueue(deps.queues, job.name, job.data, { jobId: jobId(job.jobId!, 'sweep', bucket) });
  }
  const releases = await deps.db
    .selectFrom('transactions as t')
    .select(['t.id', 't.status'])
    .where('t.transferId', 'is', null)
    .where('t.payoutWaitingReason', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('t.status', '=', 'in_escrow'), eb('t.verifiedAt', '<', sql<Date>`now() - ${GRACE}`)]),
        eb.and([
          eb('t.status', '=', 'disputed'),
          eb.exists(
            eb
              .selectFrom('disputes as d')
              .select('d.id')
              .whereRef('d.transactionId', '=', 't.id')
              .where('d.status', '=', 'resolved')
              .where('d.resolution', '=', 'release')
              .where('d.resolvedAt', '<', sql<Date>`now() - ${GRACE}`),
          ),
        ]),
      ]),
    )
    .limit(BATCH)
    .execute();
  for (const r of releases) {
    const job = releaseJob(r.id, r.status === 'in_escrow' ? 'qr_verified' : 'dispute_resolved', `sweep${bucket}`);
    await enqueue(deps.queues, job.name, job.data, { jobId: job.jobId });
  }
  return { deadlines: overdue.length, events: events.length, releases: releases.length };
}
