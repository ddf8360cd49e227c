import Stripe from 'stripe';
import { DEFAULT_ENABLED_EVENTS } from '../src/index';
import { standInClient, startStandInWithReceiver, type StandInWithReceiver } from '../src/testing';

const SECRET = 'whsec_standin_faults';
let ctx: StandInWithReceiver;

beforeAll(async () => {
  ctx = await startStandInWithReceiver(SECRET);
});

afterAll(() => ctx.close());

beforeEach(() => {
  ctx.reset();
  ctx.standIn.setDelivery({ duplicate: 1, shuffle: false, paused: false });
});

const intentParams: Stripe.PaymentIntentCreateParams = { amount: 10_000, currency: 'cad', transfer_group: 'tx_1', allowed_payment_method_types: ['card'] };

/** A seller and a paid charge to fund `release-…` transfers from. */
async function releaseSetup(): Promise<Stripe.TransferCreateParams> {
  const seller = await ctx.stripe.accounts.create({ type: 'express', country: 'CA', capabilities: { transfers: { requested: true } } });
  const created = await ctx.stripe.paymentIntents.create(intentParams);
  const paid = await ctx.stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa' });
  return { amount: 9_201, currency: 'cad', destination: seller.id, transfer_group: 'tx_1', source_transaction: String(paid.latest_charge) };
}

describe('idempotency', () => {
  it('replays the original response for the same key and params', async () => {
    const first = await ctx.stripe.paymentIntents.create(intentParams, { idempotencyKey: 'pay-tx_1' });
    const again = await ctx.stripe.paymentIntents.create(intentParams, { idempotencyKey: 'pay-tx_1' });
    expect(again.id).toBe(first.id);
    expect(again.client_secret).toBe(first.client_secret);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(ctx.standIn.listObjects('payment_intent')).toHaveLength(1);
  });

  it('rejects the same key with different params as an idempotency_error', async () => {
    await ctx.stripe.paymentIntents.create(intentParams, { idempotencyKey: 'pay-tx_1' });
    const failure = await ctx.stripe.paymentIntents.create({ ...intentParams, amount: 9_999 }, { idempotencyKey: 'pay-tx_1' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(failure).toMatchObject({ statusCode: 400, rawType: 'idempotency_error' });
  });

  it('answers 409 idempotency_key_in_use while the first request is still running', async () => {
    ctx.standIn.failNext({ method: 'POST', pathPrefix: '/v1/payment_intents', mode: 'delay', delayMs: 300 });
    const first = ctx.stripe.paymentIntents.create(intentParams, { idempotencyKey: 'pay-tx_1' });
    await new Promise((r) => setTimeout(r, 50));
    const second = await ctx.stripe.paymentIntents.create(intentParams, { idempotencyKey: 'pay-tx_1' }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(Stripe.errors.StripeError);
    expect(second).toMatchObject({ statusCode: 409, code: 'idempotency_key_in_use' });
    const winner = await first;
    expect((await ctx.stripe.paymentIntents.create(intentParams, { idempotencyKey: 'pay-tx_1' })).id).toBe(winner.id);
  });

  it('lets an SDK with retries wait out a concurrent duplicate and get the same intent', async () => {
    const patient = standInClient(ctx.standIn.port, { maxNetworkRetries: 3 });
    ctx.standIn.failNext({ method: 'POST', pathPrefix: '/v1/payment_intents', mode: 'delay', delayMs: 300 });
    const first = patient.paymentIntents.create(intentParams, { idempotencyKey: 'pay-tx_2' });
    await new Promise((r) => setTimeout(r, 50));
    const [a, b] = await Promise.all([first, patient.paymentIntents.create(intentParams, { idempotencyKey: 'pay-tx_2' })]);
    expect(b.id).toBe(a.id);
    expect(ctx.standIn.listObjects('payment_intent')).toHaveLength(1);
  });
});

describe('fault injection', () => {
  it('error_after_commit: the retry with the same key finds the one transfer', async () => {
    const params = await releaseSetup();
    ctx.standIn.failNext({ method: 'POST', pathPrefix: '/v1/transfers', mode: 'error_after_commit' });
    const failure = await ctx.stripe.transfers.create(params, { idempotencyKey: 'release-tx_1' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(failure).toMatchObject({ statusCode: 500 });
    const retried = await ctx.stripe.transfers.create(params, { idempotencyKey: 'release-tx_1' });
    const transfers = ctx.standIn.listObjects('transfer');
    expect(transfers.map((t) => t.id)).toEqual([retried.id]);
    await ctx.standIn.waitForDeliveries(5_000);
    expect(ctx.receiver.events().filter((e) => e.type === 'transfer.created')).toHaveLength(1);
  });

  it('error_before_commit: nothing happened, so the retry creates the transfer', async () => {
    const params = await releaseSetup();
    ctx.standIn.failNext({ method: 'POST', pathPrefix: '/v1/transfers', mode: 'error_before_commit' });
    await expect(ctx.stripe.transfers.create(params, { idempotencyKey: 'release-tx_1' })).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(ctx.standIn.listObjects('transfer')).toHaveLength(0);
    const created = await ctx.stripe.transfers.create(params, { idempotencyKey: 'release-tx_1' });
    expect(created.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(ctx.standIn.listObjects('transfer')).toHaveLength(1);
  });

  it('timeout_after_commit: the client times out, the retry finds the same transfer', async () => {
    const params = await releaseSetup();
    const impatient = standInClient(ctx.standIn.port, { timeout: 300 });
    ctx.standIn.failNext({ method: 'POST', pathPrefix: '/v1/transfers', mode: 'timeout_after_commit' });
    const failure = await impatient.transfers.create(params, { idempotencyKey: 'release-tx_1' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(ctx.standIn.listObjects('transfer')).toHaveLength(1);
    const retried = await impatient.transfers.create(params, { idempotencyKey: 'release-tx_1' });
    expect(retried.id).toBe(ctx.standIn.listObjects('transfer')[0].id);
    expect(ctx.standIn.listObjects('transfer')).toHaveLength(1);
  });

  it('a dropped connection is retried once by the SDK under its own key and replayed', async () => {
    const params = await releaseSetup();
    ctx.standIn.failNext({ method: 'POST', pathPrefix: '/v1/transfers', mode: 'timeout_after_commit', hangMs: 50 });
    const transfer = await ctx.stripe.transfers.create(params);
    const attempts = ctx.standIn.requestLog.filter((r) => r.path === '/v1/transfers');
    expect(attempts.map((r) => [r.status, r.replayed])).toEqual([['hung', false], [200, true]]);
    expect(attempts[0].idempotencyKey).toBe(attempts[1].idempotencyKey);
    expect(ctx.standIn.listObjects('transfer').map((t) => t.id)).toEqual([transfer.id]);
  });

  it('is also armed over HTTP under /_standin', async () => {
    const res = await fetch(`${ctx.standIn.url}/_standin/fail-next`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'GET', pathPrefix: '/v1/balance', mode: 'error_before_commit' }),
    });
    expect(res.status).toBe(200);
    await expect(ctx.stripe.balance.retrieve()).rejects.toMatchObject({ statusCode: 500 });
    await expect(ctx.stripe.balance.retrieve()).resolves.toMatchObject({ object: 'balance' });
  });
});

describe('webhook delivery', () => {
  it('retries with backoff until the endpoint answers 2xx', async () => {
    ctx.receiver.failNext(2);
    const account = await ctx.stripe.accounts.create({ type: 'express', capabilities: { transfers: { requested: true } } });
    await ctx.standIn.waitForDeliveries(5_000);
    expect(ctx.receiver.events().map((e) => (e.data.object as Stripe.Account).id)).toEqual([account.id]);
    expect(ctx.standIn.deliveryLog.map((d) => d.status)).toEqual([500, 500, 200]);
  });

  it('with duplicate + shuffle, sends every event N times in random order', async () => {
    ctx.standIn.setDelivery({ duplicate: 3, shuffle: true, paused: true });
    for (let i = 0; i < 5; i++) await ctx.stripe.accounts.create({ type: 'express', email: `s${i}@example.com` });
    const intent = await ctx.stripe.paymentIntents.create(intentParams);
    await ctx.stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    await ctx.standIn.waitForDeliveries(1_000);
    expect(ctx.receiver.received).toHaveLength(0);
    ctx.standIn.flush();
    await ctx.standIn.waitForDeliveries(5_000);
    const sent = ctx.standIn.listObjects('event').filter((e) => DEFAULT_ENABLED_EVENTS.includes(e.type));
    const arrivals = ctx.receiver.events().map((e) => e.id);
    expect(sent).toHaveLength(6);
    for (const event of sent) expect(arrivals.filter((id) => id === event.id)).toHaveLength(3);
    const inCreationOrder = sent.flatMap((e) => [e.id, e.id, e.id]);
    expect(arrivals).not.toEqual(inCreationOrder);
    expect(ctx.receiver.received.every((r) => r.event !== null)).toBe(true);
  });

  it('signs each payload so that a tampered body or signature fails constructEvent', async () => {
    await ctx.stripe.accounts.create({ type: 'express' });
    await ctx.standIn.waitForDeliveries(5_000);
    const [delivery] = ctx.receiver.received;
    expect(() => Stripe.webhooks.constructEvent(delivery.raw, delivery.signature, SECRET)).not.toThrow();
    const tamperedBody = delivery.raw.replace('"charges_enabled": true', '"charges_enabled": false');
    expect(tamperedBody).not.toBe(delivery.raw);
    expect(() => Stripe.webhooks.constructEvent(tamperedBody, delivery.signature, SECRET)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    const tamperedSignature = delivery.signature.replace(/v1=([0-9a-f])/, (_m, c: string) => `v1=${c === '0' ? '1' : '0'}`);
    expect(() => Stripe.webhooks.constructEvent(delivery.raw, tamperedSignature, SECRET)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => Stripe.webhooks.constructEvent(delivery.raw, delivery.signature, 'whsec_other')).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });
});
