import { sql } from 'kysely';
import type { Trx } from '../../../db/connection';
import type { Transaction } from '../../../db/schema';
import type { Deps } from '../../composition';
import type { DisputeView } from '../../providers/payments/payments';
import { writeOutbox, type OutboxMessage } from '../../shared/outbox';
import { openDispute } from '../disputes';
import { postMovement } from '../ledger';
import { notificationJob } from '../../shared/jobs/notification-jobs';
import { recordTransactionEvent } from '../transactions/transactions.repository';
import { canTransition } from '../transactions/transactions.state';
import { refundJob, releaseJob } from '../../shared/jobs/money-jobs';
import { chargebackMovement, chargebackWonMovement } from './escrow-money';
import { partialRefundPayoutCents } from '../transactions';
import { escrowRepository, recordStaffWork, transactionUpdate } from './escrow.repository';

type ChargebackDeps = Pick<Deps, 'db' | 'payments' | 'logger'>;
export type ChargebackOutcome = 'recorded' | 'resolved' | 'not_ours' | 'ignored';

async function transactionOf(deps: ChargebackDeps, d: DisputeView): Promise<Transaction | undefined> {
  const byCharge = await deps.db.selectFrom('transactions').selectAll().where('chargeId', '=', d.chargeId).executeTakeFirst();
  if (byCharge) return byCharge;
  return d.paymentIntentId ? escrowRepository.findByPaymentIntent(deps.db, d.paymentIntentId) : undefined;
}

/** Opens our dispute for a chargeback (also after release); an already open party dispute absorbs it. */
async function openChargebackDispute(trx: Trx, tx: Transaction, d: DisputeView): Promise<void> {
  if (await escrowRepository.disputeByStripeId(trx, d.id)) return;
  const open = await trx
    .selectFrom('disputes')
    .select('id')
    .where('transactionId', '=', tx.id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (!open && !canTransition(tx.status, 'disputed')) {
    await recordStaffWork(trx, tx.id, 'chargeback_received', { stripeDisputeId: d.id, amountCents: d.amountCents, status: tx.status });
    return;
  }
  await openDispute(trx, tx, {
    source: 'chargeback',
    openedBy: null,
    reason: 'chargeback',
    details: `The buyer's card issuer opened a chargeback (${d.reason}) for ${d.amountCents} cents.`,
    stripeDisputeId: d.id,
  });
}

/**
 * `charge.dispute.created`: Stripe has withdrawn the disputed amount — recorded once in the ledger
 * (held in `chargeback:<txId>` until decided) — and the transaction's funds freeze in a dispute.
 */
export async function recordChargeback(deps: ChargebackDeps, stripeDisputeId: string): Promise<ChargebackOutcome> {
  const d = await deps.payments.retrieveDispute(stripeDisputeId);
  const found = await transactionOf(deps, d);
  if (!found) return 'not_ours';
  return deps.db.transaction().execute(async (trx): Promise<ChargebackOutcome> => {
    const tx = (await escrowRepository.lock(trx, found.id))!;
    if (!(await escrowRepository.hasMovement(trx, 'chargeback', d.id))) {
      await postMovement(trx, chargebackMovement(tx.id, d.amountCents, d.id));
      await recordTransactionEvent(trx, tx.id, 'chargeback_received', {
        stripeDisputeId: d.id,
        amountCents: d.amountCents,
        reason: d.reason,
      });
    }
    await openChargebackDispute(trx, tx, d);
    return 'recorded';
  });
}

/** Resolves our chargeback dispute the way the issuer decided: won → release, lost → refund of the disputed amount. */
async function resolveFromIssuer(trx: Trx, tx: Transaction, d: DisputeView, won: boolean): Promise<OutboxMessage[]> {
  const ours = await escrowRepository.disputeByStripeId(trx, d.id);
  if (!ours || ours.status !== 'open') {
    if (!won) await recordStaffWork(trx, tx.id, 'chargeback_lost', { stripeDisputeId: d.id, amountCents: d.amountCents });
    return [];
  }
  const remaining = tx.amountCents - tx.refundedCents;
  const full = d.amountCents >= remaining;
  if (!won && !full && partialRefundPayoutCents(tx, d.amountCents) <= 0) {
    await recordStaffWork(trx, tx.id, 'chargeback_lost', { stripeDisputeId: d.id, amountCents: d.amountCents });
    return [];
  }
  const resolution = won ? 'release' : full ? 'refund' : 'partial_refund';
  const refundCents = won ? null : Math.min(d.amountCents, remaining);
  await trx
    .updateTable('disputes')
    .set({
      status: 'resolved',
      resolution,
      refundCents,
      resolutionNote: `Card issuer decided: chargeback ${won ? 'won' : 'lost'}.`,
      resolvedAt: sql<Date>`now()`,
    })
    .where('id', '=', ours.id)
    .where('status', '=', 'open')
    .execute();
  await recordTransactionEvent(trx, tx.id, 'dispute_resolved', { disputeId: ours.id, resolution, refundCents, source: 'chargeback' });
  const notify = [tx.buyerId, tx.sellerId].map((userId) =>
    notificationJob({
      userId,
      type: 'dispute_resolved',
      dedupeKey: `dispute-resolved-${ours.id}-${userId}`,
      title: 'The chargeback was decided',
      body: won
        ? 'The card issuer decided for the seller: the payment is released.'
        : 'The card issuer decided for the buyer: the payment is returned.',
      data: { transactionId: tx.id, disputeId: ours.id, resolution },
    }),
  );
  return [
    won ? releaseJob(tx.id, 'dispute_resolved', ours.id) : refundJob(tx.id, refundCents!, ours.id),
    transactionUpdate(tx, tx.status),
    ...notify,
  ];
}

/** `charge.dispute.closed`: a won chargeback returns the funds; either way our dispute follows the issuer. */
export async function closeChargeback(deps: ChargebackDeps, stripeDisputeId: string): Promise<ChargebackOutcome> {
  const d = await deps.payments.retrieveDispute(stripeDisputeId);
  if (d.status !== 'won' && d.status !== 'lost') return 'ignored';
  const found = await transactionOf(deps, d);
  if (!found) return 'not_ours';
  return deps.db.transaction().execute(async (trx): Promise<ChargebackOutcome> => {
    const tx = (await escrowRepository.lock(trx, found.id))!;
    const won = d.status === 'won';
    if (won && !(await escrowRepository.hasMovement(trx, 'chargeback_won', d.id)))
      await postMovement(trx, chargebackWonMovement(tx.id, d.amountCents, d.id));
    await writeOutbox(trx, await resolveFromIssuer(trx, tx, d, won));
    return 'resolved';
  });
}
