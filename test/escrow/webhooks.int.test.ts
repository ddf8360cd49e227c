import Stripe from 'stripe';
import { eventually } from '../support/fixtures';
import { createUser, type TestUser } from '../support/harness';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';
import { buyNowSale, findTx, ledgerOf, openWallet, pay, simulateVerify, transfersOf, waitForNotification, waitForStatus } from './helpers';

let env: StripeTestEnv;
let buyer: TestUser;

beforeAll(async () => {
  env = await createStripeTestEnv();
  buyer = await createUser(env.deps, { displayName: 'Bea' });
});
afterAll(async () => {
  await env.close();
});
afterEach(() => {
  env.standIn.setDelivery({ paused: false, duplicate: 1, shuffle: false });
});

const post = (payload: string, signature?: string) => {
  const req = env.http.post('/v1/webhooks/stripe').set('Content-Type', 'application/json');
  if (signature !== undefined) req.set('Stripe-Signature', signature);
  return req.send(payload);
};
const sign = (payload: string, secret = env.webhookSecret, timestamp?: number) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });

/** A paid intent whose `payment_intent.succeeded` is held back by the stand-in (delivery paused). */
async function heldSuccess(seller: TestUser) {
  const tx = await buyNowSale(env, seller, buyer, 7_500);
  const res = await pay(env, buyer, tx.id);
  env.standIn.setDelivery({ paused: true });
  env.standIn.confirmPaymentIntent(res.body.paymentIntentId, 'pm_card_visa');
  const event = env.standIn
    .listObjects('event')
    .find((e) => e.type === 'payment_intent.succeeded' && (e.data.object as { id: string }).id === res.body.paymentIntentId)!;
  return { tx, event, payload: JSON.stringify(event) };
}

const storedEvent = (id: string) => env.deps.db.selectFrom('stripeEvents').selectAll().where('id', '=', id).executeTakeFirst();

describe('POST /v1/webhooks/stripe: signature checks', () => {
  it('answers 400 with no effect to a tampered body, a wrong secret, a stale timestamp or no signature', async () => {
    const seller = await createUser(env.deps);
    await openWallet(env, seller);
    const { tx, event, payload } = await heldSuccess(seller);
    const tampered = payload.replace('"amount":7500', '"amount":1');
    expect(tampered).not.toBe(payload);
    const attempts = [
      await post(tampered, sign(payload)),
      await post(payload, sign(payload, 'whsec_not_ours')),
      await post(payload, sign(payload, env.webhookSecret, Math.floor(Date.now() / 1000) - 301)),
      await post(payload),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.parse(res.text).code).toBe('invalid_signature');
    }
    expect(await storedEvent(event.id)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    expect((await findTx(env.deps, tx.id)).status).toBe('pending_payment');
    expect((await ledgerOf(env.deps, tx.id)).movements).toHaveLength(0);

    const ok = await post(payload, sign(payload));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ received: true, duplicate: false, eventId: event.id });
    const again = await post(payload, sign(payload));
    expect(again.body).toMatchObject({ duplicate: true });
    await waitForStatus(env.deps, tx.id, 'in_escrow');
    // The stand-in's own (late) delivery of the same event changes nothing.
    env.standIn.flush();
    await env.standIn.waitForDeliveries(5_000);
    await eventually(async () => (await storedEvent(event.id))?.processedAt);
    expect((await ledgerOf(env.deps, tx.id)).movements.map((m) => m.type)).toEqual(['charge']);
  });
});

interface FinalState {
  status: string;
  sellerPayoutsEnabled: boolean | undefined;
  movements: Array<[string, number]>;
  escrow: number;
  transfers: number[];
  notifications: string[];
  events: Array<[string, boolean]>;
}

/** Wallet + declined card + good card, then the verify: the final state a user would notice. */
async function scenario(delivery: { duplicate: number; shuffle: boolean }): Promise<FinalState> {
  const seller = await createUser(env.deps);
  env.standIn.setDelivery({ paused: true, ...delivery });
  const accountId = await openWallet(env, seller);
  const tx = await buyNowSale(env, seller, buyer, 10_000);
  const { body } = await pay(env, buyer, tx.id);
  env.standIn.confirmPaymentIntent(body.paymentIntentId, 'pm_card_chargeDeclined');
  env.standIn.confirmPaymentIntent(body.paymentIntentId, 'pm_card_visa');
  const sent = env.standIn.listObjects('event').filter((e) => {
    const object = e.data.object as { id: string };
    return object.id === accountId || object.id === body.paymentIntentId;
  });
  const delivered = sent.filter((e) => ['account.updated', 'payment_intent.payment_failed', 'payment_intent.succeeded'].includes(e.type));
  expect(delivered).toHaveLength(3);
  env.standIn.flush();
  await env.standIn.waitForDeliveries(10_000);
  expect(env.standIn.deliveryLog.filter((d) => delivered.some((e) => e.id === d.eventId) && d.status === 200)).toHaveLength(
    3 * delivery.duplicate,
  );
  await waitForStatus(env.deps, tx.id, 'in_escrow');
  await eventually(async () => {
    const rows = await env.deps.db
      .selectFrom('stripeEvents')
      .select('processedAt')
      .where(
        'id',
        'in',
        delivered.map((e) => e.id),
      )
      .execute();
    return rows.length === 3 && rows.every((r) => r.processedAt);
  });
  await simulateVerify(env.deps, tx.id);
  const released = await waitForStatus(env.deps, tx.id, 'released');
  await waitForNotification(env.deps, seller.id, 'escrow_released');
  const ledger = await ledgerOf(env.deps, tx.id);
  const notes = await env.deps.db.selectFrom('notifications').select('type').where('userId', '=', seller.id).orderBy('type').execute();
  const events = await env.deps.db
    .selectFrom('stripeEvents')
    .select(['type', 'processedAt'])
    .where(
      'id',
      'in',
      delivered.map((e) => e.id),
    )
    .orderBy('type')
    .execute();
  return {
    status: released.status,
    sellerPayoutsEnabled: (
      await env.deps.db.selectFrom('sellerAccounts').select('payoutsEnabled').where('userId', '=', seller.id).executeTakeFirst()
    )?.payoutsEnabled,
    movements: ledger.movements.map((m) => [m.type, m.sum]),
    escrow: ledger.escrow,
    transfers: transfersOf(env, tx.id).map((t) => t.amount),
    notifications: notes.map((n) => n.type),
    events: events.map((e) => [e.type, e.processedAt !== null]),
  };
}

describe('duplicate and out-of-order deliveries', () => {
  it('reaches the same final state with 3 events × 3 deliveries, shuffled, as in order — side effects once', async () => {
    const inOrder = await scenario({ duplicate: 1, shuffle: false });
    const chaotic = await scenario({ duplicate: 3, shuffle: true });
    expect(chaotic).toEqual(inOrder);
    expect(inOrder).toMatchObject({
      status: 'released',
      sellerPayoutsEnabled: true,
      movements: [
        ['charge', 0],
        ['release', 0],
      ],
      escrow: 0,
      transfers: [9_201],
      notifications: ['escrow_released', 'payment_received', 'sold'],
    });
  });
});
