import { paymentDeadlineJob } from '../../src/shared/jobs/money-jobs';
import { eventually } from '../support/fixtures';
import { createUser, type TestUser } from '../support/harness';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';
import { buyNowSale, findTx, ledgerOf, openWallet, pay, waitForStatus } from './helpers';

let env: StripeTestEnv;
let seller: TestUser;

// Payment is due 2 s after the sale, so the 6-hour reminder is due at once.
beforeAll(async () => {
  env = await createStripeTestEnv({ env: { PAYMENT_DEADLINE_SEC: '2' } });
  seller = await createUser(env.deps);
  await openWallet(env, seller);
});
afterAll(async () => {
  await env.close();
});
afterEach(() => {
  env.crashPoints.reset();
  env.standIn.setDelivery({ paused: false });
});

const strikes = async (userId: string) =>
  (await env.deps.db.selectFrom('users').select('nonPaymentStrikes').where('id', '=', userId).executeTakeFirstOrThrow()).nonPaymentStrikes;
const notification = (userId: string, type: string, key: string) =>
  eventually(() =>
    env.deps.db
      .selectFrom('notifications')
      .selectAll()
      .where('userId', '=', userId)
      .where('type', '=', type)
      .where('dedupeKey', 'like', `${key}%`)
      .executeTakeFirst(),
  );

describe('payment deadline', () => {
  it('reminds the buyer (SMS), then cancels the PaymentIntent and the transaction, with one strike', async () => {
    const buyer = await createUser(env.deps);
    const tx = await buyNowSale(env, seller, buyer, 5_000);
    const reminder = await notification(buyer.id, 'payment_due', `payment-due-${tx.id}`);
    expect(reminder.title).toBe('Payment due soon');
    await eventually(async () => env.sms.sent.find((m) => m.to === buyer.phone && /Pay for your purchase/.test(m.body)));
    const { body } = await pay(env, buyer, tx.id);

    const cancelled = await waitForStatus(env.deps, tx.id, 'cancelled', 10_000);
    expect(cancelled).toMatchObject({ cancelReason: 'payment_deadline' });
    expect(cancelled.cancelledAt).not.toBeNull();
    expect(env.standIn.listObjects('payment_intent').find((pi) => pi.id === body.paymentIntentId)?.status).toBe('canceled');
    expect(await strikes(buyer.id)).toBe(1);
    await notification(buyer.id, 'purchase_cancelled', `payment-deadline-${tx.id}`);
    await notification(seller.id, 'buyer_did_not_pay', `payment-deadline-${tx.id}`);
    const late = await pay(env, buyer, tx.id);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('transaction_cancelled');

    // Idempotent: the same deadline again (a duplicate job) changes nothing.
    const job = paymentDeadlineJob(tx.id, tx.paymentDueAt);
    const again = await env.deps.queues.escrow.add(job.name, job.data, { jobId: `${job.jobId}-again` });
    await eventually(async () => (await again.isCompleted()) || undefined);
    expect(await strikes(buyer.id)).toBe(1);
    // The dated strike (SPEC §9), once for this sale however often the deadline job runs.
    const dated = await env.deps.db.selectFrom('nonPaymentStrikes').select(['transactionId']).where('userId', '=', buyer.id).execute();
    expect(dated).toEqual([{ transactionId: tx.id }]);
  });

  it('cancels a transaction nobody started paying', async () => {
    const buyer = await createUser(env.deps);
    const tx = await buyNowSale(env, seller, buyer, 5_000);
    await waitForStatus(env.deps, tx.id, 'cancelled', 10_000);
    expect(await strikes(buyer.id)).toBe(1);
  });

  it('funds instead of cancelling when the payment succeeded but its webhook is late', async () => {
    const buyer = await createUser(env.deps);
    const tx = await buyNowSale(env, seller, buyer, 5_000);
    const { body } = await pay(env, buyer, tx.id);
    env.standIn.setDelivery({ paused: true });
    env.standIn.confirmPaymentIntent(body.paymentIntentId, 'pm_card_visa');
    const funded = await waitForStatus(env.deps, tx.id, 'in_escrow', 10_000);
    expect(funded.chargeId).not.toBeNull();
    expect(await strikes(buyer.id)).toBe(0);
    env.standIn.setDelivery({ paused: false });
    await env.standIn.waitForDeliveries(5_000);
    expect((await ledgerOf(env.deps, tx.id)).movements.map((m) => m.type)).toEqual(['charge']);
  });

  it('refunds automatically a payment that succeeds after the deadline cancelled the transaction', async () => {
    const buyer = await createUser(env.deps);
    const tx = await buyNowSale(env, seller, buyer, 5_000);
    // The API dies after Stripe created the intent and before our commit: we never learn its id.
    env.crashPoints.arm('pay.after_intent');
    expect((await pay(env, buyer, tx.id)).status).toBe(500);
    expect((await findTx(env.deps, tx.id)).paymentIntentId).toBeNull();
    await waitForStatus(env.deps, tx.id, 'cancelled', 10_000);
    const orphan = env.standIn.listObjects('payment_intent').find((pi) => pi.transfer_group === tx.id)!;
    expect(orphan.status).toBe('requires_payment_method');

    // The buyer's device still confirms it: Stripe takes the money, the webhook finds a cancelled transaction.
    env.standIn.confirmPaymentIntent(orphan.id, 'pm_card_visa');
    const refunded = await eventually(async () => {
      const row = await findTx(env.deps, tx.id);
      return row.refundId ? row : undefined;
    });
    expect(refunded).toMatchObject({ status: 'cancelled', refundedCents: 5_000 });
    const refunds = env.standIn.listObjects('refund').filter((r) => r.payment_intent === orphan.id);
    expect(refunds.map((r) => [r.id, r.amount])).toEqual([[refunded.refundId, 5_000]]);
    const ledger = await ledgerOf(env.deps, tx.id);
    expect(ledger.movements.map((m) => [m.type, m.sum])).toEqual([
      ['charge', 0],
      ['late_payment_refund', 0],
    ]);
    expect(ledger.escrow).toBe(0);
  });
});
