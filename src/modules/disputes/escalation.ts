import type { Platform } from '../../shared/platform';
import { transactionsRepository } from '../transactions';
import { openDispute } from './open-dispute';

export const ESCALATION_REASON = 'not_verified_in_time';

export type EscalationOutcome = 'opened' | 'missing' | 'not_in_escrow' | 'verified' | 'not_due';

/** Opens the automatic dispute if the transaction is (still) overdue; idempotent. */
export async function escalateTransaction(deps: Pick<Platform, 'db' | 'config'>, transactionId: string): Promise<EscalationOutcome> {
  const sec = deps.config.timing.disputeEscalationSec;
  return deps.db.transaction().execute(async (trx) => {
    const tx = await transactionsRepository.lockById(trx, transactionId);
    if (!tx) return 'missing';
    if (tx.status !== 'in_escrow') return 'not_in_escrow';
    if (tx.verifiedAt) return 'verified';
    const due = await transactionsRepository.escrowOverdue(trx, tx.id, sec);
    if (!due) return 'not_due';
    const days = Math.round((sec / 86_400) * 10) / 10;
    await openDispute(trx, tx, {
      source: 'escalation',
      openedBy: null,
      reason: ESCALATION_REASON,
      details: `No pickup was confirmed within ${days} days of payment, so the case was opened automatically for support to review.`,
    });
    return 'opened';
  });
}

/** Most overdue transactions handled by one sweep pass (the next pass takes the rest). */
export const SWEEP_BATCH = 100;

/** Repeating safety net: escalates every overdue, unverified `in_escrow` transaction (a lost job, a restore). */
export async function sweepOverdueEscrows(deps: Pick<Platform, 'db' | 'config' | 'logger'>) {
  const rows = await transactionsRepository.overdueUnverified(deps.db, deps.config.timing.disputeEscalationSec, SWEEP_BATCH);
  let opened = 0;
  for (const { id } of rows) {
    try {
      if ((await escalateTransaction(deps, id)) === 'opened') opened += 1;
    } catch (err) {
      // One bad row must not starve the others; it is retried on the next pass.
      deps.logger.error({ err, transactionId: id }, 'escalation failed');
    }
  }
  return { overdue: rows.length, opened };
}
