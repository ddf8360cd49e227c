import type { Transaction } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import type { CrashHook } from './crash-points';
import type { Actor } from '../../shared/context';
import type { PaymentIntentView } from '../../providers/payments/payments';
import { paymentsUnavailable } from '../../providers/payments/payments-unavailable';
import { AppError, conflict, unprocessable } from '../../shared/errors';
import { recordTransactionEvent, assertPartyRole } from '../transactions';
import { escrowRepository } from './escrow.repository';

export interface PayAnswer {
  paymentIntentId: string;
  clientSecret: string;
  amountCents: number;
  currency: 'CAD';
  status: string;
}

function assertPayable(tx: Transaction, now: Date): void {
  if (tx.status === 'cancelled') throw conflict('transaction_cancelled', 'This purchase was cancelled.', { transactionStatus: tx.status });
  if (tx.status !== 'pending_payment') throw conflict('already_paid', 'This purchase is already paid.', { transactionStatus: tx.status });
  if (tx.paymentDueAt.getTime() <= now.getTime()) {
    throw conflict('payment_deadline_passed', 'The payment deadline has passed.', { paymentDueAt: tx.paymentDueAt.toISOString() });
  }
}

function answer(tx: Transaction, pi: PaymentIntentView): PayAnswer {
  if (!pi.clientSecret) throw new AppError('unavailable', 'payments_unavailable', 'The payment provider returned no client secret.');
  return { paymentIntentId: pi.id, clientSecret: pi.clientSecret, amountCents: tx.amountCents, currency: 'CAD', status: pi.status };
}

/**
 * POST /transactions/:id/pay — the buyer's one PaymentIntent for the transaction. No Stripe call
 * under a lock: the intent is created outside any transaction under the Stripe key `pay-<txId>` (a
 * concurrent duplicate or a retry after a crash gets the same intent from Stripe), then stored in a
 * short transaction with a conditional update (the first stored stays; a late loser answers with it).
 */
export async function payForTransaction(
  deps: Pick<Platform, 'db' | 'payments' | 'clock'> & { crashHook?: CrashHook },
  actor: Actor,
  transactionId: string,
  expectedAmountCents?: number,
): Promise<PayAnswer> {
  const found = await escrowRepository.find(deps.db, transactionId);
  assertPartyRole(actor, found, 'buyer');
  if (expectedAmountCents !== undefined && expectedAmountCents !== found.amountCents) {
    throw unprocessable('amount_mismatch', `The transaction is for ${found.amountCents} cents, not ${expectedAmountCents}.`, {
      errors: [{ field: 'expectedAmountCents', message: `must be ${found.amountCents}` }],
    });
  }
  assertPayable(found, deps.clock.now());
  if (found.paymentIntentId) return answer(found, await deps.payments.retrievePaymentIntent(found.paymentIntentId).catch(paymentsUnavailable));
  const pi = await deps.payments
    .createPaymentIntent(found.id, found.amountCents, {
      buyerId: found.buyerId,
      sellerId: found.sellerId,
      listingId: found.listingId,
      description: `Biddt purchase ${found.id}`,
    })
    .catch(paymentsUnavailable);
  deps.crashHook?.('pay.after_intent');
  const stored = await deps.db.transaction().execute(async (trx) => {
    const tx = (await escrowRepository.lock(trx, transactionId))!;
    if (tx.paymentIntentId) return tx.paymentIntentId;
    // Re-checked at the commit: a deadline that passed while Stripe answered cancels nothing here
    // (the deadline job cancels the stored intent), but no intent is stored on a closed transaction.
    assertPayable(tx, deps.clock.now());
    await escrowRepository.setPaymentIntent(trx, tx.id, pi.id);
    await recordTransactionEvent(trx, tx.id, 'payment_started', { paymentIntentId: pi.id }, actor.userId);
    return pi.id;
  });
  if (stored === pi.id) return answer(found, pi);
  return answer(found, await deps.payments.retrievePaymentIntent(stored).catch(paymentsUnavailable));
}
