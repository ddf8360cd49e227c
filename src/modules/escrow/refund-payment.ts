import type { Trx } from '../../../db/connection';
import type { Transaction } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import type { RefundView } from '../../providers/payments/payments';
import type { JobPayload } from '../../shared/jobs';
import { notificationJob } from '../../shared/jobs';
import { paymentRefundKey } from '../../shared/jobs/money-intent-key';
import { writeOutbox } from '../../shared/outbox';
import { postMovement } from '../ledger';
import { recordTransactionEvent, transactionsRepository } from '../transactions';
import { chargeMovement, refundMovement } from './escrow-money';
import { escrowRepository, transactionUpdate } from './escrow.repository';
import { refundNotice } from './refund-escrow';

/** An `escrow.payment_refund` intent: a late payment on a cancelled transaction, or an extra payment. */
export type PaymentRefundInput = JobPayload<'escrow.payment_refund'>;
export type PaymentRefundReason = PaymentRefundInput['reason'];
export type PaymentRefundOutcome = 'refunded' | 'already_refunded';

type RefundPaymentDeps = Pick<Platform, 'db' | 'payments' | 'logger'>;

/** The Stripe refund under the intent's key: found again (after a crash, or made before intents existed), else created. */
async function findOrCreate(deps: RefundPaymentDeps, input: PaymentRefundInput): Promise<RefundView> {
  const key = paymentRefundKey(input);
  const existing = (await deps.payments.listRefunds(input.paymentIntentId)).find((r) => r.key === key);
  return (
    existing ??
    deps.payments.createRefund({
      key,
      paymentIntentId: input.paymentIntentId,
      amountCents: input.amountCents,
      transactionId: input.transactionId,
      reason: 'late_payment',
    })
  );
}

/** Whether the refund is recorded already (a redelivery, a retried attempt, or a refund made before intents existed). */
async function recorded(db: RefundPaymentDeps['db'] | Trx, tx: Transaction, input: PaymentRefundInput): Promise<boolean> {
  if (input.reason === 'late_payment') return tx.refundId !== null;
  return transactionsRepository.hasEventWith(db, tx.id, 'extra_payment_refunded', 'paymentIntentId', input.paymentIntentId);
}

/** The late payment is recorded on the cancelled transaction: its charge and refund, the timeline, the buyer told. */
async function recordLate(trx: Trx, tx: Transaction, input: PaymentRefundInput, refund: RefundView, chargeId: string): Promise<void> {
  await escrowRepository.markLatePaymentRefunded(trx, tx.id, refund.id, input.amountCents, chargeId);
  await postMovement(trx, chargeMovement(tx.id, input.amountCents, chargeId));
  await postMovement(trx, refundMovement(tx.id, input.amountCents, refund.id, 'late_payment_refund'));
  await recordTransactionEvent(trx, tx.id, 'late_payment_refunded', { paymentIntentId: input.paymentIntentId, refundId: refund.id, amountCents: input.amountCents });
  await writeOutbox(trx, [transactionUpdate(tx, 'cancelled', { refundedCents: input.amountCents }), refundNotice(tx, input.amountCents, true, 'late-payment')]);
}

/** An extra payment leaves the sale untouched: its charge and refund in the ledger, the timeline, the buyer told. */
async function recordExtra(trx: Trx, tx: Transaction, input: PaymentRefundInput, refund: RefundView, chargeId: string): Promise<void> {
  await postMovement(trx, chargeMovement(tx.id, input.amountCents, chargeId));
  await postMovement(trx, refundMovement(tx.id, input.amountCents, refund.id, 'late_payment_refund'));
  await recordTransactionEvent(trx, tx.id, 'extra_payment_refunded', {
    paymentIntentId: input.paymentIntentId,
    chargeId,
    refundId: refund.id,
    amountCents: input.amountCents,
    status: tx.status,
  });
  await writeOutbox(trx, [
    notificationJob({
      userId: tx.buyerId,
      type: 'refund_issued',
      dedupeKey: `extra-payment-refunded-${input.paymentIntentId}`,
      text: { key: 'extra_payment_refunded', params: { amountCents: input.amountCents } },
      data: { transactionId: tx.id, listingId: tx.listingId, amountCents: input.amountCents },
    }),
  ]);
}

/**
 * `escrow.payment_refund` (run by the money-intent runner, SPEC §3): refunds in full a payment
 * nobody owes us. Stripe is called outside any database transaction under the intent's key, so a
 * retry after a crash or an outage finds the same refund; then, in one short transaction under the
 * row lock and conditional on it not being there yet, the ledger (the payment's charge and its
 * refund), the timeline and the buyer's notification commit together — exactly once.
 */
export async function refundPayment(deps: RefundPaymentDeps, input: PaymentRefundInput): Promise<PaymentRefundOutcome> {
  const before = (await escrowRepository.find(deps.db, input.transactionId))!;
  if (await recorded(deps.db, before, input)) return 'already_refunded';
  const refund = await findOrCreate(deps, input);
  const chargeId = input.chargeId ?? refund.chargeId ?? input.paymentIntentId;
  return deps.db.transaction().execute(async (trx): Promise<PaymentRefundOutcome> => {
    const tx = (await escrowRepository.lock(trx, input.transactionId))!;
    if (await recorded(trx, tx, input)) return 'already_refunded';
    if (input.reason === 'late_payment') await recordLate(trx, tx, input, refund, chargeId);
    else await recordExtra(trx, tx, input, refund, chargeId);
    deps.logger.warn({ transactionId: tx.id, paymentIntentId: input.paymentIntentId, refundId: refund.id, reason: input.reason }, 'payment on a transaction not payable: refunded');
    return 'refunded';
  });
}
