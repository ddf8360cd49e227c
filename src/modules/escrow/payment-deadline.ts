import type { Platform } from '../../shared/platform';
import { isPermanent } from '../../providers/payments/payments';
import { writeOutbox } from '../../shared/outbox';
import { notificationJob } from '../../shared/jobs';
import { recordTransactionEvent } from '../transactions';
import { addNonPaymentStrike } from '../users';
import { escrowRepository, transactionUpdate } from './escrow.repository';
import { syncPaymentIntent } from './fund-payment';

type DeadlineDeps = Pick<Platform, 'db' | 'payments' | 'config' | 'clock' | 'logger'>;
export type DeadlineOutcome = 'cancelled' | 'paid' | 'not_pending';
export type ReminderOutcome = 'reminded' | 'not_pending';

/** Thrown to have BullMQ retry later (a job that fired early, a payment still processing, a race with pay). */
export class RetryLater extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLater';
  }
}

/**
 * Cancels the transaction's PaymentIntent unless it already succeeded. Returns true when the
 * payment went through after all (the caller then funds instead of cancelling).
 */
async function cancelIntent(deps: DeadlineDeps, intentId: string): Promise<boolean> {
  const pi = await deps.payments.retrievePaymentIntent(intentId);
  if (pi.status === 'succeeded') return true;
  if (pi.status === 'processing') throw new RetryLater(`PaymentIntent ${intentId} is still processing`);
  if (pi.status === 'canceled') return false;
  try {
    await deps.payments.cancelPaymentIntent(intentId);
    return false;
  } catch (err) {
    // Stripe refuses to cancel an intent that succeeded meanwhile: look again.
    if (isPermanent(err) && (await deps.payments.retrievePaymentIntent(intentId)).status === 'succeeded') return true;
    throw err;
  }
}

/**
 * `escrow.payment_deadline` (SPEC §3): at `payment_due_at` an unpaid transaction is cancelled — the
 * PaymentIntent first, so no payment can start afterwards — the buyer gets a non-payment strike and
 * both parties are told. A payment that already succeeded wins (the transaction is funded instead).
 * Idempotent: the cancellation and the strike happen under the row lock, only from `pending_payment`.
 */
export async function enforcePaymentDeadline(deps: DeadlineDeps, transactionId: string): Promise<DeadlineOutcome> {
  const tx = await escrowRepository.find(deps.db, transactionId);
  if (!tx || tx.status !== 'pending_payment') return 'not_pending';
  if (tx.paymentDueAt.getTime() > deps.clock.now().getTime()) throw new RetryLater(`payment of ${transactionId} is not due yet`);
  if (tx.paymentIntentId && (await cancelIntent(deps, tx.paymentIntentId))) {
    await syncPaymentIntent(deps, tx.paymentIntentId);
    return 'paid';
  }
  return deps.db.transaction().execute(async (trx): Promise<DeadlineOutcome> => {
    const locked = (await escrowRepository.lock(trx, transactionId))!;
    if (locked.status !== 'pending_payment') return 'not_pending';
    // The buyer started paying after we looked: cancel that intent on the next attempt.
    if (locked.paymentIntentId !== tx.paymentIntentId) throw new RetryLater(`a PaymentIntent appeared for ${transactionId}`);
    await escrowRepository.markCancelledForDeadline(trx, locked.id);
    await addNonPaymentStrike(trx, locked.buyerId, locked.id);
    await recordTransactionEvent(trx, locked.id, 'payment_deadline_missed', { paymentIntentId: locked.paymentIntentId });
    const data = { transactionId: locked.id, listingId: locked.listingId };
    await writeOutbox(trx, [
      transactionUpdate(locked, 'cancelled', { cancelReason: 'payment_deadline' }),
      notificationJob({
        userId: locked.buyerId,
        type: 'purchase_cancelled',
        dedupeKey: `payment-deadline-${locked.id}-buyer`,
        text: { key: 'purchase_cancelled', params: {} },
        data,
      }),
      notificationJob({
        userId: locked.sellerId,
        type: 'buyer_did_not_pay',
        dedupeKey: `payment-deadline-${locked.id}-seller`,
        text: { key: 'buyer_did_not_pay', params: {} },
        data,
      }),
    ]);
    return 'cancelled';
  });
}

/** `escrow.payment_reminder`: six hours before the deadline, an unpaid buyer is reminded (in-app, push, SMS). */
export async function remindPayment(deps: Pick<Platform, 'db'>, transactionId: string): Promise<ReminderOutcome> {
  const tx = await escrowRepository.find(deps.db, transactionId);
  if (!tx || tx.status !== 'pending_payment') return 'not_pending';
  await deps.db.transaction().execute(async (trx) => {
    await writeOutbox(trx, [
      notificationJob({
        userId: tx.buyerId,
        type: 'payment_due',
        dedupeKey: `payment-due-${tx.id}`,
        text: { key: 'payment_due', params: { paymentDueAt: tx.paymentDueAt.toISOString(), amountCents: tx.amountCents } },
        data: { transactionId: tx.id, paymentDueAt: tx.paymentDueAt.toISOString(), amountCents: tx.amountCents },
      }),
    ]);
  });
  return 'reminded';
}
