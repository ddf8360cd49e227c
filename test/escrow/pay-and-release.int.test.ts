import { createActiveListing, eventually } from '../support/fixtures';
import { createUser, type TestUser } from '../support/harness';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';
import {
  buyNowSale,
  findTx,
  ledgerOf,
  openWallet,
  pay,
  simulateVerify,
  transfersOf,
  waitForNotification,
  waitForStatus,
  waitForTransactionEvent,
} from './helpers';

let env: StripeTestEnv;
let seller: TestUser;
let buyer: TestUser;

beforeAll(async () => {
  env = await createStripeTestEnv({ env: { SOFT_CLOSE_WINDOW_SEC: '0' } });
  seller = await createUser(env.deps, { displayName: 'Sam' });
  buyer = await createUser(env.deps, { displayName: 'Bea' });
  await openWallet(env, seller);
});
afterAll(async () => {
  await env.close();
});

describe('escrow happy path: close → pay → webhook → in_escrow → verify → one transfer → released', () => {
  it('pays the seller 9201 for a 10000 sale, exactly once, with a balanced ledger', async () => {
    const listing = await createActiveListing(env.deps, seller.id, { startingPriceCents: 10_000, endsInMs: 1500 });
    const bid = await env.http.post(`/v1/listings/${listing.id}/bids`).set(buyer.auth).send({ maxAmountCents: 12_000 });
    expect(bid.status).toBe(201);
    const created = await eventually(() =>
      env.deps.db.selectFrom('transactions').selectAll().where('listingId', '=', listing.id).executeTakeFirst(),
    );
    expect(created).toMatchObject({ status: 'pending_payment', amountCents: 10_000, sellerPayoutCents: 9_201 });

    const payRes = await pay(env, buyer, created.id);
    expect(payRes.status).toBe(200);
    expect(payRes.body).toMatchObject({ amountCents: 10_000, currency: 'CAD' });
    expect(payRes.body.clientSecret).toMatch(new RegExp(`^${payRes.body.paymentIntentId}_secret_`));
    const intent = env.standIn.listObjects('payment_intent').find((pi) => pi.id === payRes.body.paymentIntentId)!;
    expect(intent).toMatchObject({ amount: 10_000, currency: 'cad', transfer_group: created.id, metadata: { transaction_id: created.id } });

    env.standIn.confirmPaymentIntent(payRes.body.paymentIntentId, 'pm_card_visa');
    const funded = await waitForStatus(env.deps, created.id, 'in_escrow');
    expect(funded.paidAt).not.toBeNull();
    expect(funded.chargeId).toBe(
      intent.latest_charge ?? env.standIn.listObjects('payment_intent').find((pi) => pi.id === intent.id)!.latest_charge,
    );
    const note = await waitForNotification(env.deps, seller.id, 'payment_received');
    expect(note.data).toMatchObject({ transactionId: created.id });
    expect((await ledgerOf(env.deps, created.id)).escrow).toBe(-10_000);

    await simulateVerify(env.deps, created.id);
    const released = await waitForStatus(env.deps, created.id, 'released');
    expect(released.releasedAt).not.toBeNull();
    const transfers = transfersOf(env, created.id);
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ id: released.transferId, amount: 9_201, source_transaction: funded.chargeId });

    const ledger = await ledgerOf(env.deps, created.id);
    expect(ledger.escrow).toBe(0);
    expect(ledger.movements.map((m) => m.type)).toEqual(['charge', 'release']);
    for (const m of ledger.movements) expect(m.sum).toBe(0);
    const revenue = await env.deps.db
      .selectFrom('ledgerEntries')
      .select(['accountCode', 'amountCents'])
      .where('transactionId', '=', created.id)
      .where('movementType', '=', 'release')
      .execute();
    expect(Object.fromEntries(revenue.map((r) => [r.accountCode, Number(r.amountCents)]))).toEqual({
      [`escrow:${created.id}`]: 10_000,
      stripe_balance: -9_201,
      'revenue:commission': -600,
      'revenue:escrow_fee': -199,
    });
    const timeline = await env.deps.db
      .selectFrom('transactionEvents')
      .select('type')
      .where('transactionId', '=', created.id)
      .orderBy('id')
      .execute();
    expect(timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['payment_started', 'payment_received', 'escrow_released']));
    await waitForNotification(env.deps, seller.id, 'escrow_released');

    const balance = await env.http.get('/v1/users/me/wallet/balance').set(seller.auth);
    expect(balance.body).toMatchObject({ paidOutCents: 9_201, inEscrowCents: 0, currency: 'CAD' });
  });
});

describe('POST /transactions/:id/pay', () => {
  it('creates exactly one PaymentIntent for concurrent double taps; same key + different body → 422', async () => {
    const tx = await buyNowSale(env, seller, buyer, 5_000);
    const [a, b] = await Promise.all([pay(env, buyer, tx.id, 'tap-1'), pay(env, buyer, tx.id, 'tap-1')]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
    const [c, d] = await Promise.all([pay(env, buyer, tx.id, 'tap-2'), pay(env, buyer, tx.id)]);
    expect(c.body.paymentIntentId).toBe(a.body.paymentIntentId);
    expect(d.body.paymentIntentId).toBe(a.body.paymentIntentId);
    expect(env.standIn.listObjects('payment_intent').filter((pi) => pi.transfer_group === tx.id)).toHaveLength(1);
    expect((await findTx(env.deps, tx.id)).paymentIntentId).toBe(a.body.paymentIntentId);

    const reused = await pay(env, buyer, tx.id, 'tap-1', { expectedAmountCents: 5_000 });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
    const mismatch = await pay(env, buyer, tx.id, undefined, { expectedAmountCents: 4_000 });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.code).toBe('amount_mismatch');
  });

  it('a concurrent duplicate waits for a slow first request and gets the same intent (SPEC §3)', async () => {
    const tx = await buyNowSale(env, seller, buyer, 5_000);
    // Stripe holds the first create, its key `pay-<txId>` in flight: a second create meanwhile gets 409.
    env.standIn.failNext({ method: 'POST', pathPrefix: '/v1/payment_intents', mode: 'delay', delayMs: 1_500 });
    const first = pay(env, buyer, tx.id).then((res) => res);
    await new Promise((r) => setTimeout(r, 300));
    const [a, b] = await Promise.all([first, pay(env, buyer, tx.id)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.paymentIntentId).toBe(a.body.paymentIntentId);
    expect(b.body.clientSecret).toBe(a.body.clientSecret);
    expect(env.standIn.listObjects('payment_intent').filter((pi) => pi.transfer_group === tx.id)).toHaveLength(1);
    expect((await findTx(env.deps, tx.id)).paymentIntentId).toBe(a.body.paymentIntentId);
  });

  it('is for the buyer only: the seller 403, a stranger 404', async () => {
    const tx = await buyNowSale(env, seller, buyer, 5_000);
    const stranger = await createUser(env.deps);
    expect((await pay(env, seller, tx.id)).status).toBe(403);
    expect((await pay(env, stranger, tx.id)).status).toBe(404);
    expect(env.standIn.listObjects('payment_intent').filter((pi) => pi.transfer_group === tx.id)).toHaveLength(0);
  });

  it('leaves a declined card payable, then accepts another card', async () => {
    const tx = await buyNowSale(env, seller, buyer, 5_000);
    const res = await pay(env, buyer, tx.id);
    const declined = env.standIn.confirmPaymentIntent(res.body.paymentIntentId, 'pm_card_chargeDeclined');
    expect(declined.status).toBe('requires_payment_method');
    await waitForTransactionEvent(env.deps, tx.id, 'payment_failed');
    expect((await findTx(env.deps, tx.id)).status).toBe('pending_payment');
    const again = await pay(env, buyer, tx.id);
    expect(again.status).toBe(200);
    expect(again.body.paymentIntentId).toBe(res.body.paymentIntentId);
    env.standIn.confirmPaymentIntent(res.body.paymentIntentId, 'pm_card_visa');
    await waitForStatus(env.deps, tx.id, 'in_escrow');
    const paidAgain = await pay(env, buyer, tx.id);
    expect(paidAgain.status).toBe(409);
    expect(paidAgain.body.code).toBe('already_paid');
  });

  it('refuses after the payment deadline (409)', async () => {
    const tx = await buyNowSale(env, seller, buyer, 5_000);
    await env.deps.db
      .updateTable('transactions')
      .set({ paymentDueAt: new Date(Date.now() - 1000) })
      .where('id', '=', tx.id)
      .execute();
    const res = await pay(env, buyer, tx.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('payment_deadline_passed');
  });
});
