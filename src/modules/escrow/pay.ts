import type { Transaction } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import type { CrashHook } from './crash-points';
import type { Actor } from '../../shared/context';
import type { PaymentIntentView } from '../../providers/payments/payments';
import { isPaymentsError } from '../../providers/payments/payments';
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

/**
 * How long a duplicate request waits while the first one holds the Stripe key `pay-<txId>` (Stripe
 * answers 409 `idempotency_key_in_use` until the first finishes). A create normally takes well under a
 * second; a few seconds rides out a slow Stripe and stays inside a phone's request timeout. Past it
 * the duplicate answers 503 like any outage, and the client's retry gets the intent.
 */
const KEY_IN_USE_WAIT_MS = 5_000;
/** Pause between looks at whether the first request has finished. */
const KEY_IN_USE_POLL_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isKeyInUse = (err: unknown): boolean => isPaymentsError(err) && err.code === 'idempotency_key_in_use';

type PayDeps = Pick<Platform, 'db' | 'payments' | 'clock'> & { crashHook?: CrashHook };

/**
 * The transaction's PaymentIntent from Stripe under `pay-<txId>` (or, replacing a cancelled one,
 * under the replacement's key); while a concurrent request holds that key, waits for it (SPEC §3: a
 * duplicate gets the same intent). Each look re-reads the transaction first — the first request may
 * have stored its intent — then replays the key.
 */
async function createOrAwaitIntent(deps: PayDeps, tx: Transaction, replaces: string | null): Promise<PaymentIntentView> {
  // Wall time, not deps.clock: this bounds a real wait, whatever "now" a test pins.
  const deadline = Date.now() + KEY_IN_USE_WAIT_MS;
  for (;;) {
    try {
      return await deps.payments.createPaymentIntent(tx.id, tx.amountCents, {
        buyerId: tx.buyerId,
        sellerId: tx.sellerId,
        listingId: tx.listingId,
        description: `Biddt purchase ${tx.id}`,
        ...(replaces ? { replaces } : {}),
      });
    } catch (err) {
      if (!isKeyInUse(err) || Date.now() + KEY_IN_USE_POLL_MS > deadline) return paymentsUnavailable(err);
    }
    await sleep(KEY_IN_USE_POLL_MS);
    const now = await escrowRepository.find(deps.db, tx.id);
    if (now?.paymentIntentId && now.paymentIntentId !== replaces)
      return deps.payments.retrievePaymentIntent(now.paymentIntentId).catch(paymentsUnavailable);
  }
}

function answer(tx: Transaction, pi: PaymentIntentView): PayAnswer {
  if (!pi.clientSecret) throw new AppError('unavailable', 'payments_unavailable', 'The payment provider returned no client secret.');
  return { paymentIntentId: pi.id, clientSecret: pi.clientSecret, amountCents: tx.amountCents, currency: 'CAD', status: pi.status };
}

/**
 * The stored intent to hand out, or the id of the one to replace: an intent cancelled at Stripe
 * (from the dashboard — our deadline job only cancels once the transaction is no longer payable)
 * can never be paid, and handing out its client secret would leave the buyer stuck until the
 * deadline strikes them.
 */
async function currentIntent(deps: PayDeps, tx: Transaction): Promise<PaymentIntentView | { replaces: string | null }> {
  if (!tx.paymentIntentId) return { replaces: null };
  const pi = await deps.payments.retrievePaymentIntent(tx.paymentIntentId).catch(paymentsUnavailable);
  return pi.status === 'canceled' ? { replaces: pi.id } : pi;
}

/**
 * POST /transactions/:id/pay — the buyer's PaymentIntent for the transaction. No Stripe call under
 * a lock: the intent is created outside any transaction under the Stripe key `pay-<txId>` (a
 * concurrent duplicate waits for the first; a retry after a crash gets the same intent from Stripe),
 * then stored in a short transaction with a conditional update (the first stored stays; a late loser
 * answers with it). A stored intent cancelled at Stripe is replaced the same way, under a key naming
 * the intent it replaces, and the new one takes its place on the transaction: the webhook, refunds
 * and chargebacks then follow the new one, and the cancelled one (which can never be paid) is
 * remembered on the timeline only.
 */
export async function payForTransaction(
  deps: PayDeps,
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
  const current = await currentIntent(deps, found);
  if (!('replaces' in current)) return answer(found, current);
  const { replaces } = current;
  const pi = await createOrAwaitIntent(deps, found, replaces);
  deps.crashHook?.('pay.after_intent');
  const stored = await deps.db.transaction().execute(async (trx) => {
    const tx = (await escrowRepository.lock(trx, transactionId))!;
    // Another request stored (or replaced) first: its intent stands.
    if (tx.paymentIntentId && tx.paymentIntentId !== replaces) return tx.paymentIntentId;
    // Re-checked at the commit: a deadline that passed while Stripe answered cancels nothing here
    // (the deadline job cancels the stored intent), but no intent is stored on a closed transaction.
    assertPayable(tx, deps.clock.now());
    await escrowRepository.setPaymentIntent(trx, tx.id, pi.id, replaces);
    await recordTransactionEvent(
      trx,
      tx.id,
      'payment_started',
      { paymentIntentId: pi.id, ...(replaces ? { replacesPaymentIntentId: replaces } : {}) },
      actor.userId,
    );
    return pi.id;
  });
  if (stored === pi.id) return answer(found, pi);
  return answer(found, await deps.payments.retrievePaymentIntent(stored).catch(paymentsUnavailable));
}
