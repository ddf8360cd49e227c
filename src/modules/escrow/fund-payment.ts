import type { Platform } from '../../shared/platform';
import type { PaymentIntentView, RefundView } from '../../providers/payments/payments';
import { writeOutbox } from '../../shared/outbox';
import { escalationJob } from '../../shared/jobs/money-jobs';
import { postMovement } from '../ledger';
import { notificationJob } from '../../shared/jobs';
import { recordTransactionEvent, transactionsRepository } from '../transactions';
import { chargeMovement, refundMovement } from './escrow-money';
import { escrowRepository, transactionUpdate } from './escrow.repository';
import { refundNotice } from './refund-escrow';

export type PaymentOutcome =
  | 'funded'
  | 'already_funded'
  | 'late_refunded'
  | 'extra_payment_refunded'
  | 'failed_attempt'
  | 'still_pending'
  | 'not_ours';

type FundDeps = Pick<Platform, 'db' | 'payments' | 'config' | 'clock' | 'logger'>;

/**
 * Moves a transaction forward from the PaymentIntent as Stripe reports it now (re-fetched, so
 * duplicated, shuffled or stale webhooks all converge): succeeded → `in_escrow` (or, if the
 * transaction was cancelled meanwhile, an automatic refund); a decline leaves it payable.
 */
export async function syncPaymentIntent(deps: FundDeps, intentId: string): Promise<PaymentOutcome> {
  const pi = await deps.payments.retrievePaymentIntent(intentId);
  const tx = pi.transactionId
    ? await escrowRepository.find(deps.db, pi.transactionId)
    : await escrowRepository.findByPaymentIntent(deps.db, pi.id);
  if (!tx) return 'not_ours';
  if (pi.status === 'succeeded') {
    if (tx.status !== 'cancelled') return fundTransaction(deps, tx.id, pi);
    // The cancelled transaction's first late payment is recorded on it; any other is an extra payment.
    return !tx.chargeId || tx.chargeId === pi.latestChargeId ? refundLatePayment(deps, tx.id, pi) : refundExtraPayment(deps, tx.id, pi);
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
  const now = (await escrowRepository.find(deps.db, transactionId))!;
  return now.status === 'cancelled' && !now.chargeId ? refundLatePayment(deps, transactionId, pi) : refundExtraPayment(deps, transactionId, pi);
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

/** The refund of a cancelled transaction's late payment: found again by its key after a crash, else created. */
async function findOrCreateLateRefund(deps: FundDeps, transactionId: string, pi: PaymentIntentView): Promise<RefundView> {
  const key = `late-refund-${transactionId}`;
  const existing = (await deps.payments.listRefunds(pi.id)).find((r) => r.key === key);
  return (
    existing ??
    deps.payments.createRefund({ key, paymentIntentId: pi.id, amountCents: pi.amountCents, transactionId, reason: 'late_payment' })
  );
}

/**
 * SPEC §3: a payment that still succeeds after the deadline cancelled the transaction is refunded
 * automatically. Under the row lock, so two deliveries cannot both refund; the ledger records the
 * charge and its refund together.
 */
async function refundLatePayment(deps: FundDeps, transactionId: string, pi: PaymentIntentView): Promise<PaymentOutcome> {
  // Stripe is called outside the database transaction; the refund's key makes a concurrent duplicate the same refund.
  const refund = await findOrCreateLateRefund(deps, transactionId, pi);
  return deps.db.transaction().execute(async (trx): Promise<PaymentOutcome> => {
    const tx = (await escrowRepository.lock(trx, transactionId))!;
    if (tx.refundId) return 'late_refunded';
    const chargeId = pi.latestChargeId ?? refund.chargeId ?? pi.id;
    await escrowRepository.markLatePaymentRefunded(trx, tx.id, refund.id, pi.amountCents, chargeId);
    await postMovement(trx, chargeMovement(tx.id, pi.amountCents, chargeId));
    await postMovement(trx, refundMovement(tx.id, pi.amountCents, refund.id, 'late_payment_refund'));
    await recordTransactionEvent(trx, tx.id, 'late_payment_refunded', {
      paymentIntentId: pi.id,
      refundId: refund.id,
      amountCents: pi.amountCents,
    });
    await writeOutbox(trx, [
      transactionUpdate(tx, 'cancelled', { refundedCents: pi.amountCents }),
      refundNotice(tx, pi.amountCents, true, 'late-payment'),
    ]);
    return 'late_refunded';
  });
}

/**
 * SPEC §3: a payment that succeeds on a transaction no longer payable — a second PaymentIntent of a
 * transaction already paid, or a further one after a late payment was refunded — is refunded in full
 * under a key of that intent (`extra-payment-refund-<pi>`), Stripe first and outside the database
 * transaction; then, once per intent, the ledger records its charge and refund and the timeline shows it.
 */
async function refundExtraPayment(deps: FundDeps, transactionId: string, pi: PaymentIntentView): Promise<PaymentOutcome> {
  const key = `extra-payment-refund-${pi.id}`;
  const existing = (await deps.payments.listRefunds(pi.id)).find((r) => r.key === key);
  const refund =
    existing ??
    (await deps.payments.createRefund({ key, paymentIntentId: pi.id, amountCents: pi.amountCents, transactionId, reason: 'late_payment' }));
  const chargeId = pi.latestChargeId ?? refund.chargeId ?? pi.id;
  return deps.db.transaction().execute(async (trx): Promise<PaymentOutcome> => {
    const tx = (await escrowRepository.lock(trx, transactionId))!;
    if (await transactionsRepository.hasEventWith(trx, tx.id, 'extra_payment_refunded', 'paymentIntentId', pi.id)) return 'extra_payment_refunded';
    await postMovement(trx, chargeMovement(tx.id, pi.amountCents, chargeId));
    await postMovement(trx, refundMovement(tx.id, pi.amountCents, refund.id, 'late_payment_refund'));
    await recordTransactionEvent(trx, tx.id, 'extra_payment_refunded', {
      paymentIntentId: pi.id,
      chargeId,
      refundId: refund.id,
      amountCents: pi.amountCents,
      status: tx.status,
    });
    deps.logger.warn({ transactionId, paymentIntentId: pi.id, refundId: refund.id }, 'payment on a transaction not payable: refunded');
    return 'extra_payment_refunded';
  });
}
