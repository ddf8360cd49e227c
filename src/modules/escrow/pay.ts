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
 * POST /transactions/:id/pay — the buyer's one PaymentIntent for the transaction. Decided under the
 * transaction's row lock, so a concurrent duplicate waits for the first and finds its intent; the
 * Stripe key `pay-<txId>` makes a retry after a crash between Stripe and our commit find the same
 * intent; the id is stored with a conditional update.
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
  return deps.db.transaction().execute(async (trx) => {
    const tx = (await escrowRepository.lock(trx, transactionId))!;
    assertPayable(tx, deps.clock.now());
    if (tx.paymentIntentId) return answer(tx, await deps.payments.retrievePaymentIntent(tx.paymentIntentId).catch(paymentsUnavailable));
    const pi = await deps.payments
      .createPaymentIntent(tx.id, tx.amountCents, {
        buyerId: tx.buyerId,
        sellerId: tx.sellerId,
        listingId: tx.listingId,
        description: `Biddt purchase ${tx.id}`,
      })
      .catch(paymentsUnavailable);
    deps.crashHook?.('pay.after_intent');
    await escrowRepository.setPaymentIntent(trx, tx.id, pi.id);
    await recordTransactionEvent(trx, tx.id, 'payment_started', { paymentIntentId: pi.id }, actor.userId);
    return answer(tx, pi);
  });
}
