import type { Trx } from '../../../db/connection';
import type { Transaction } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import type { PaymentIntentView } from '../../providers/payments/payments';
import { writeOutbox } from '../../shared/outbox';
import { escalationJob, paymentRefundJob } from '../../shared/jobs/money-jobs';
import { paymentRefundKey } from '../../shared/jobs/money-intent-key';
import { moneyIntentsRepository } from '../../shared/money-intents.repository';
import { postMovement } from '../ledger';
import { notificationJob } from '../../shared/jobs';
import { recordTransactionEvent, transactionsRepository } from '../transactions';
import { chargeMovement } from './escrow-money';
import { escrowRepository, transactionUpdate } from './escrow.repository';
import type { PaymentRefundReason } from './refund-payment';

export type PaymentOutcome =
  | 'funded'
  | 'already_funded'
  | 'late_refund_requested'
  | 'late_refunded'
  | 'extra_payment_refund_requested'
  | 'extra_payment_refunded'
  | 'failed_attempt'
  | 'still_pending'
  | 'not_ours';

type FundDeps = Pick<Platform, 'db' | 'payments' | 'config' | 'clock' | 'logger'>;

/**
 * Moves a transaction forward from the PaymentIntent as Stripe reports it now (re-fetched, so
 * duplicated, shuffled or stale webhooks all converge): succeeded → `in_escrow` (or, if the
 * transaction is no longer payable, an automatic refund's intent); a decline leaves it payable.
 */
export async function syncPaymentIntent(deps: FundDeps, intentId: string): Promise<PaymentOutcome> {
  const pi = await deps.payments.retrievePaymentIntent(intentId);
  const tx = pi.transactionId
    ? await escrowRepository.find(deps.db, pi.transactionId)
    : await escrowRepository.findByPaymentIntent(deps.db, pi.id);
  if (!tx) return 'not_ours';
  if (pi.status === 'succeeded') {
    if (tx.status !== 'cancelled') return fundTransaction(deps, tx.id, pi);
    return requestPaymentRefund(deps, tx.id, pi);
  }
  if (pi.status === 'requires_payment_method' && pi.lastErrorCode && tx.status === 'pending_payment') {
    await recordFailedAttempt(deps, tx.id, pi);
    return 'failed_attempt';
  }
  return 'still_pending';
}

/** `pending_payment → in_escrow`, the `charge` movement, the timeline and the seller's notification, in one commit. */
async function fundTransaction(deps: FundDeps, transactionId: string, pi: PaymentIntentView): Promise<PaymentOutcome> {
  if (!pi.latestChargeId) throw new Error(`succeeded PaymentIntent ${pi.id} has no charge`);
  const chargeId = pi.latestChargeId;
  const outcome = await deps.db.transaction().execute(async (trx): Promise<PaymentOutcome | 'not_payable'> => {
    const tx = (await escrowRepository.lock(trx, transactionId))!;
    if (tx.status !== 'pending_payment') return tx.chargeId === chargeId ? 'already_funded' : 'not_payable';
    await escrowRepository.markFunded(trx, tx.id, chargeId, pi.id);
    await postMovement(trx, chargeMovement(tx.id, pi.amountCents, chargeId));
    await recordTransactionEvent(trx, tx.id, 'payment_received', { paymentIntentId: pi.id, chargeId, amountCents: pi.amountCents });
    const data = { transactionId: tx.id, listingId: tx.listingId, amountCents: pi.amountCents };
    await writeOutbox(trx, [
      transactionUpdate(tx, 'in_escrow'),
      notificationJob({
        userId: tx.sellerId,
        type: 'payment_received',
        dedupeKey: `payment-received-${tx.id}-seller`,
        text: { key: 'payment_received_seller', params: { amountCents: pi.amountCents } },
        data,
      }),
      notificationJob({
        userId: tx.buyerId,
        type: 'payment_received',
        dedupeKey: `payment-received-${tx.id}-buyer`,
        text: { key: 'payment_received_buyer', params: { amountCents: pi.amountCents } },
        data,
      }),
      escalationJob(tx.id, deps.clock.now(), deps.config),
    ]);
    return 'funded';
  });
  if (outcome !== 'not_payable') return outcome;
  // Cancelled meanwhile (deadline), or a second payment of a transaction already paid: SPEC §3 refunds it.
  return requestPaymentRefund(deps, transactionId, pi);
}

/** A decline: the transaction stays payable (the buyer may try another card); the timeline notes each failed charge once. */
async function recordFailedAttempt(deps: FundDeps, transactionId: string, pi: PaymentIntentView): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const tx = (await escrowRepository.lock(trx, transactionId))!;
    if (tx.status !== 'pending_payment') return;
    const seen = await transactionsRepository.hasEventWith(trx, tx.id, 'payment_failed', 'chargeId', pi.latestChargeId ?? '');
    if (!seen)
      await recordTransactionEvent(trx, tx.id, 'payment_failed', {
        paymentIntentId: pi.id,
        chargeId: pi.latestChargeId,
        code: pi.lastErrorCode,
      });
  });
}

/**
 * Which refund a payment nobody owes us gets, decided under the row lock: a cancelled transaction's
 * first late payment is refunded as such (and recorded on it); any other is an extra payment. The
 * late one is the first PaymentIntent decided: a second one, decided before the first's refund was
 * recorded, finds the late intent holding another PaymentIntent.
 */
async function refundReasonOf(trx: Trx, tx: Transaction, pi: PaymentIntentView): Promise<PaymentRefundReason> {
  if (tx.status !== 'cancelled') return 'extra_payment';
  if (tx.chargeId) return tx.chargeId === pi.latestChargeId ? 'late_payment' : 'extra_payment';
  const late = await moneyIntentsRepository.findByKey(trx, paymentRefundKey({ transactionId: tx.id, paymentIntentId: pi.id, reason: 'late_payment' }));
  return !late || (late.payload as { paymentIntentId?: string }).paymentIntentId === pi.id ? 'late_payment' : 'extra_payment';
}

/** Whether this payment's refund is already recorded on the transaction (also one made before refunds were intents). */
async function refundRecorded(trx: Trx, tx: Transaction, pi: PaymentIntentView, reason: PaymentRefundReason): Promise<boolean> {
  if (reason === 'late_payment') return tx.refundId !== null;
  return transactionsRepository.hasEventWith(trx, tx.id, 'extra_payment_refunded', 'paymentIntentId', pi.id);
}

/**
 * SPEC §3: a payment that succeeds on a transaction no longer payable — after the deadline cancelled
 * it, or a second PaymentIntent of a transaction already paid — is refunded automatically. The
 * webhook only decides, under the row lock, and commits the refund's durable intent (issue #10):
 * the intent runner calls Stripe under the same key (`late-refund-<txId>` / `extra-payment-refund-<piId>`)
 * and records the outcome, retried with backoff for days whatever Stripe does meanwhile.
 */
async function requestPaymentRefund(deps: FundDeps, transactionId: string, pi: PaymentIntentView): Promise<PaymentOutcome> {
  return deps.db.transaction().execute(async (trx): Promise<PaymentOutcome> => {
    const tx = (await escrowRepository.lock(trx, transactionId))!;
    const reason = await refundReasonOf(trx, tx, pi);
    const late = reason === 'late_payment';
    if (await refundRecorded(trx, tx, pi, reason)) return late ? 'late_refunded' : 'extra_payment_refunded';
    // A redelivery wakes the same intent (one key per refund); it never makes a second refund.
    await writeOutbox(trx, [
      paymentRefundJob({ transactionId: tx.id, paymentIntentId: pi.id, chargeId: pi.latestChargeId, amountCents: pi.amountCents, reason }),
    ]);
    return late ? 'late_refund_requested' : 'extra_payment_refund_requested';
  });
}
