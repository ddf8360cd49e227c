import { standInClient } from '../../tools/stripe-standin/src/testing';
import { enforcePaymentDeadline, sweepEscrow, syncPaymentIntent } from '../../src/modules/escrow';
import type { MoneyIntent } from '../../src/shared/money-intents.repository';
import { eventually } from '../support/fixtures';
import { createUser, type TestUser } from '../support/harness';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';
import { buyNowSale, findTx, ledgerOf, openWallet, payAndFund, simulateVerify, transfersOf, waitForStatus, waitForTransactionEvent , intentDriver } from './helpers';

/**
 * Issue #10, the effects that were still made inline by the Stripe webhook job: refunding a late
 * payment (a cancelled transaction) or an extra payment is a durable intent committed by the
 * webhook; the intent runner calls Stripe and records the outcome, retried with backoff until it
 * happened — exactly once, with no human action. Also the chargeback's money effect (a reversal
 * after a lost chargeback) is retried through its intent after a Stripe failure, once. Time is a
 * fake clock shared by the api and the workers.
 */

const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
let env: StripeTestEnv;
let seller: TestUser;
let buyer: TestUser;

beforeAll(async () => {
  env = await createStripeTestEnv({ deps: { clock } });
  seller = await createUser(env.deps);
  buyer = await createUser(env.deps);
  await openWallet(env, seller);
});
afterAll(async () => {
  await env.close();
});
afterEach(() => {
  env.standIn.clearFaults();
  env.standIn.setDelivery({ duplicate: 1, shuffle: false, paused: false });
});

/** Stripe's refund endpoint down: every POST /v1/refunds answers 500 until cleared. */
const REFUNDS_DOWN = { method: 'POST', pathPrefix: '/v1/refunds', mode: 'error_before_commit' as const, times: 100_000 };

const { intentOf, settled, nextAttempt } = intentDriver(() => env, clock);

/** After an outage: the sweep drives the intent (its backoff elapsing on the fake clock) until it succeeded. */
async function driveToSuccess(key: string): Promise<MoneyIntent> {
  return eventually(async () => {
    const i = (await intentOf(key))!;
    if (i.status === 'succeeded') return i;
    if (i.status !== 'running') {
      clock.offsetMs = Math.max(clock.offsetMs, i.nextAttemptAt.getTime() - Date.now() + 1);
      await sweepEscrow(env.workerDeps);
    }
    return undefined;
  }, 15_000, 200);
}

const stripe = () => standInClient(env.standIn.port);
const refundsOf = (paymentIntentId: string) => env.standIn.listObjects('refund').filter((r) => r.payment_intent === paymentIntentId);

/**
 * A sale whose payment deadline passed (moved into the past, as days going by would): the deadline
 * cancels it. A buyer of its own each time: two unpaid purchases suspend a buyer.
 */
async function cancelledSale(amountCents: number) {
  const late = await createUser(env.deps);
  const tx = await buyNowSale(env, seller, late, amountCents);
  await env.deps.db.updateTable('transactions').set({ paymentDueAt: new Date(clock.now().getTime() - 1_000) }).where('id', '=', tx.id).execute();
  expect(await enforcePaymentDeadline(env.workerDeps, tx.id)).toBe('cancelled');
  return { tx, buyer: late };
}

/** A PaymentIntent for the transaction that our API never saw (an old app build, an orphaned checkout), paid by the buyer. */
async function paidOutsideTheApp(txId: string, amountCents: number): Promise<string> {
  const pi = await stripe().paymentIntents.create({ amount: amountCents, currency: 'cad', transfer_group: txId, metadata: { transaction_id: txId } });
  env.standIn.confirmPaymentIntent(pi.id, 'pm_card_visa');
  return pi.id;
}

/** The buyer's notifications with this dedupe key: delivered once (waits for the first, then checks no second follows). */
async function notifiedOnce(userId: string, dedupeKey: string) {
  const rows = () => env.deps.db.selectFrom('notifications').selectAll().where('userId', '=', userId).where('dedupeKey', '=', dedupeKey).execute();
  await eventually(async () => ((await rows()).length > 0 ? true : undefined));
  await new Promise((r) => setTimeout(r, 500));
  const all = await rows();
  expect(all).toHaveLength(1);
  return all[0];
}

/** The webhook event of the payment was processed (not failed, not retried): the outage was the intent's business. */
async function expectWebhookProcessed(paymentIntentId: string) {
  const events = await eventually(async () => {
    const rows = await env.deps.db.selectFrom('stripeEvents').selectAll().where('objectId', '=', paymentIntentId).where('type', '=', 'payment_intent.succeeded').execute();
    return rows.length > 0 && rows.every((e) => e.processedAt) ? rows : undefined;
  });
  for (const e of events) expect(e).toMatchObject({ attempts: 0, failedAt: null });
}

const paymentRefundIntents = (txId: string) =>
  env.deps.db.selectFrom('moneyIntents').selectAll().where('transactionId', '=', txId).where('kind', '=', 'payment_refund').execute();

describe('late and extra payments: refunded through a durable intent, retried until Stripe takes it', () => {
  it('a late payment on a cancelled transaction, while Stripe refuses refunds, is refunded once Stripe recovers: one refund, balanced, buyer told once', async () => {
    const { tx, buyer: late } = await cancelledSale(5_000);
    env.standIn.failNext(REFUNDS_DOWN);
    const piId = await paidOutsideTheApp(tx.id, 5_000);
    const key = `late-refund-${tx.id}`;

    // The webhook commits the decision and is done; the intent's quick retries fail, then it waits for its backoff.
    let intent = await settled(key, 3);
    expect(intent).toMatchObject({ kind: 'payment_refund', status: 'pending', amountCents: 5_000, transactionId: tx.id });
    expect(intent.payload).toMatchObject({ paymentIntentId: piId, reason: 'late_payment' });
    expect(intent.lastError).toMatch(/./);
    await expectWebhookProcessed(piId);
    intent = await nextAttempt(intent);
    intent = await nextAttempt(intent);
    expect(['pending', 'failing']).toContain(intent.status);
    expect(refundsOf(piId)).toHaveLength(0);
    expect(await findTx(env.deps, tx.id)).toMatchObject({ status: 'cancelled', refundId: null, refundedCents: 0 });

    env.standIn.clearFaults();
    intent = await nextAttempt(intent);
    expect(intent).toMatchObject({ status: 'succeeded', lastOutcome: 'refunded' });
    const done = await findTx(env.deps, tx.id);
    expect(done).toMatchObject({ status: 'cancelled', refundedCents: 5_000 });
    expect(refundsOf(piId).map((r) => [r.id, r.amount, r.metadata?.key])).toEqual([[done.refundId, 5_000, key]]);
    const ledger = await ledgerOf(env.deps, tx.id);
    expect(ledger.movements.map((m) => [m.type, m.sum])).toEqual([
      ['charge', 0],
      ['late_payment_refund', 0],
    ]);
    expect(ledger.escrow).toBe(0);
    const notice = await notifiedOnce(late.id, `refund-issued-${tx.id}-late-payment`);
    expect(notice).toMatchObject({ type: 'refund_issued', title: 'Refund issued' });

    // Exactly once: a redelivery, the sweep and a duplicate job all find it done.
    expect(await syncPaymentIntent(env.workerDeps, piId)).toBe('late_refunded');
    expect(await sweepEscrow(env.workerDeps)).toMatchObject({ intents: 0 });
    const dup = await env.deps.queues.escrow.add('escrow.payment_refund', intent.payload as never, { jobId: `dup-${key}` });
    await eventually(async () => (await dup.isCompleted()) || undefined);
    expect(refundsOf(piId)).toHaveLength(1);
    expect((await ledgerOf(env.deps, tx.id)).movements).toHaveLength(2);
    expect(await paymentRefundIntents(tx.id)).toHaveLength(1);
  });

  it('an extra payment on a funded sale, while Stripe refuses refunds, is refunded once it recovers and the buyer is told (new text)', async () => {
    const sale = await buyNowSale(env, seller, buyer, 6_000);
    const funded = await payAndFund(env, buyer, sale.id);
    env.standIn.failNext(REFUNDS_DOWN);
    const piId = await paidOutsideTheApp(sale.id, 6_000);
    const key = `extra-payment-refund-${piId}`;

    let intent = await settled(key, 3);
    expect(intent).toMatchObject({ kind: 'payment_refund', status: 'pending', amountCents: 6_000 });
    expect(intent.payload).toMatchObject({ paymentIntentId: piId, reason: 'extra_payment' });
    await expectWebhookProcessed(piId);
    intent = await nextAttempt(intent);
    expect(refundsOf(piId)).toHaveLength(0);

    env.standIn.clearFaults();
    intent = await nextAttempt(intent);
    expect(intent).toMatchObject({ status: 'succeeded', lastOutcome: 'refunded' });
    const event = await waitForTransactionEvent(env.deps, sale.id, 'extra_payment_refunded');
    expect(refundsOf(piId).map((r) => r.amount)).toEqual([6_000]);
    expect(event.data).toMatchObject({ paymentIntentId: piId, refundId: refundsOf(piId)[0].id, amountCents: 6_000, status: 'in_escrow' });
    const notice = await notifiedOnce(buyer.id, `extra-payment-refunded-${piId}`);
    expect(notice).toMatchObject({ type: 'refund_issued', title: 'Extra payment refunded' });
    expect(notice.body).toMatch(/\$60\.00|60[.,]00/);

    // The sale is untouched; escrow still holds exactly the payment it was funded with.
    expect(await findTx(env.deps, sale.id)).toMatchObject({ status: 'in_escrow', chargeId: funded.chargeId, refundId: null, refundedCents: 0 });
    const ledger = await ledgerOf(env.deps, sale.id);
    expect(ledger.movements.map((m) => [m.type, m.sum])).toEqual([
      ['charge', 0],
      ['charge', 0],
      ['late_payment_refund', 0],
    ]);
    expect(ledger.escrow).toBe(-6_000);
    expect(await syncPaymentIntent(env.workerDeps, piId)).toBe('extra_payment_refunded');
    expect(refundsOf(piId)).toHaveLength(1);
  });

  it('a duplicated, shuffled delivery of the payment webhook (and concurrent re-syncs) make one intent and one refund', async () => {
    const { tx, buyer: late } = await cancelledSale(4_000);
    env.standIn.setDelivery({ duplicate: 4, shuffle: true });
    const piId = await paidOutsideTheApp(tx.id, 4_000);
    // Meanwhile other workers re-sync the same PaymentIntent (another event type, a sweep): same decision, same row.
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => syncPaymentIntent(env.workerDeps, piId)));
    for (const o of outcomes) expect(['late_refund_requested', 'late_refunded']).toContain(o);

    const intent = await settled(`late-refund-${tx.id}`, 1);
    expect(intent.status).toBe('succeeded');
    await expectWebhookProcessed(piId);
    await notifiedOnce(late.id, `refund-issued-${tx.id}-late-payment`);
    expect(await paymentRefundIntents(tx.id)).toHaveLength(1);
    expect(refundsOf(piId)).toHaveLength(1);
    const ledger = await ledgerOf(env.deps, tx.id);
    expect(ledger.movements.map((m) => m.type)).toEqual(['charge', 'late_payment_refund']);
    expect(ledger.escrow).toBe(0);
    const events = await env.deps.db.selectFrom('transactionEvents').select('id').where('transactionId', '=', tx.id).where('type', '=', 'late_payment_refunded').execute();
    expect(events).toHaveLength(1);
  });

  it('a second payment on a cancelled transaction, decided before the late one was refunded, is an extra payment, not a second late one', async () => {
    const { tx } = await cancelledSale(3_000);
    env.standIn.failNext(REFUNDS_DOWN);
    const first = await paidOutsideTheApp(tx.id, 3_000);
    await settled(`late-refund-${tx.id}`, 1);
    const second = await paidOutsideTheApp(tx.id, 3_000);
    await settled(`extra-payment-refund-${second}`, 1);
    expect((await intentOf(`late-refund-${tx.id}`))?.payload).toMatchObject({ paymentIntentId: first, reason: 'late_payment' });
    expect((await intentOf(`extra-payment-refund-${second}`))?.payload).toMatchObject({ paymentIntentId: second, reason: 'extra_payment' });

    env.standIn.clearFaults();
    await driveToSuccess(`late-refund-${tx.id}`);
    await driveToSuccess(`extra-payment-refund-${second}`);
    expect(refundsOf(first)).toHaveLength(1);
    expect(refundsOf(second)).toHaveLength(1);
    const done = await findTx(env.deps, tx.id);
    expect(done).toMatchObject({ status: 'cancelled', refundId: refundsOf(first)[0].id, refundedCents: 3_000 });
    const ledger = await ledgerOf(env.deps, tx.id);
    for (const m of ledger.movements) expect(m.sum).toBe(0);
    expect(ledger.movements.map((m) => m.type).sort()).toEqual(['charge', 'charge', 'late_payment_refund', 'late_payment_refund']);
    expect(ledger.escrow).toBe(0);
  });
});

describe('chargeback money effects: intents, retried after a Stripe failure, exactly once', () => {
  it('a chargeback lost after release: the reversal fails at Stripe, is retried by its intent, and happens once', async () => {
    const sale = await buyNowSale(env, seller, buyer, 10_000);
    const paid = await payAndFund(env, buyer, sale.id);
    await simulateVerify(env.deps, paid.id);
    const released = await waitForStatus(env.deps, paid.id, 'released');
    const cb = env.standIn.createDispute(released.chargeId!);
    await waitForStatus(env.deps, paid.id, 'disputed');
    const ours = await env.deps.db.selectFrom('disputes').selectAll().where('stripeDisputeId', '=', cb.id).executeTakeFirstOrThrow();

    // Stripe refuses the reversal for a while (a 500, not a business refusal).
    env.standIn.failNext({ method: 'POST', pathPrefix: `/v1/transfers/${released.transferId}/reversals`, mode: 'error_before_commit', times: 100_000 });
    env.standIn.closeDispute(cb.id, 'lost');
    const key = `refund-${paid.id}-${ours.id}`;
    let intent = await settled(key, 3);
    expect(intent).toMatchObject({ kind: 'refund', status: 'pending' });
    // The webhook job only decided (the intent); it did not wait on the reversal.
    const closed = await eventually(async () => {
      const e = await env.deps.db.selectFrom('stripeEvents').selectAll().where('objectId', '=', cb.id).where('type', '=', 'charge.dispute.closed').executeTakeFirst();
      return e?.processedAt ? e : undefined;
    });
    expect(closed).toMatchObject({ attempts: 0, failedAt: null });
    intent = await nextAttempt(intent);
    expect(transfersOf(env, paid.id)[0]).toMatchObject({ amount_reversed: 0 });

    env.standIn.clearFaults();
    intent = await nextAttempt(intent);
    expect(intent).toMatchObject({ status: 'succeeded', lastOutcome: 'refunded' });
    const done = await waitForStatus(env.deps, paid.id, 'refunded');
    expect(done.reversalId).toMatch(/^trr_/);
    expect(env.standIn.listObjects('transfer_reversal').filter((r) => r.transfer === released.transferId)).toHaveLength(1);
    expect(transfersOf(env, paid.id)[0]).toMatchObject({ amount: 9_201, amount_reversed: 9_201 });
    const ledger = await ledgerOf(env.deps, paid.id);
    expect(ledger.movements.map((m) => m.type)).toEqual(['charge', 'release', 'chargeback', 'reversal', 'chargeback_settlement']);
    for (const m of ledger.movements) expect(m.sum).toBe(0);
    expect(ledger.escrow).toBe(0);

    // A duplicate of the decision (the job again) moves nothing more.
    const dup = await env.deps.queues.escrow.add('escrow.refund', intent.payload as never, { jobId: `dup-${key}` });
    await eventually(async () => (await dup.isCompleted()) || undefined);
    expect(env.standIn.listObjects('transfer_reversal').filter((r) => r.transfer === released.transferId)).toHaveLength(1);
  });
});
