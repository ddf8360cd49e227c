import Stripe from 'stripe';
import { standInClient, startStandInWithReceiver, type StandInWithReceiver } from '../src/testing';

const SECRET = 'whsec_standin_outage';
let ctx: StandInWithReceiver;

beforeAll(async () => {
  ctx = await startStandInWithReceiver(SECRET);
});
afterAll(() => ctx.close());
beforeEach(() => ctx.reset());

const intent = (stripe: Stripe, key: string) =>
  stripe.paymentIntents.create({ amount: 1_000, currency: 'cad', allowed_payment_method_types: ['card'] }, { idempotencyKey: key });

describe('an outage window', () => {
  it('fails every matching request in turn with 500, 429 and a dropped connection, executing nothing', async () => {
    ctx.standIn.outage.start({ pathPrefixes: ['/v1/payment_intents'], hangMs: 50 });
    const errors = [];
    for (const n of [1, 2, 3]) errors.push(await intent(ctx.stripe, `k${n}`).catch((e: unknown) => e));
    expect(errors[0]).toMatchObject({ statusCode: 500, type: 'StripeAPIError' });
    expect(errors[1]).toMatchObject({ statusCode: 429, code: 'rate_limit' });
    expect(errors[2]).toBeInstanceOf(Error);
    // The SDK retries a dropped keep-alive connection once by itself: that retry met the next failure.
    expect(ctx.standIn.requestLog.map((r) => [r.outage, r.status])).toEqual([
      ['server_error', 500],
      ['rate_limited', 429],
      ['timeout', 'hung'],
      ['server_error', 500],
    ]);
    expect(ctx.standIn.listObjects('payment_intent')).toHaveLength(0);
    expect(ctx.standIn.outage.failed()).toEqual({ server_error: 2, rate_limited: 1, timeout: 1 });
  });

  it('leaves other paths and methods alone', async () => {
    ctx.standIn.outage.start({ pathPrefixes: ['/v1/transfers'], methods: ['POST'] });
    await expect(intent(ctx.stripe, 'other')).resolves.toMatchObject({ object: 'payment_intent' });
  });

  it('claims no idempotency key: the same key succeeds once the outage is over, and only once', async () => {
    ctx.standIn.outage.start({ failures: ['server_error'] });
    await expect(intent(ctx.stripe, 'same')).rejects.toMatchObject({ statusCode: 500 });
    expect(ctx.standIn.outage.isActive).toBe(true);
    ctx.standIn.outage.stop();
    const first = await intent(ctx.stripe, 'same');
    const again = await intent(ctx.stripe, 'same');
    expect(again.id).toBe(first.id);
    expect(ctx.standIn.listObjects('payment_intent')).toHaveLength(1);
  });

  it('an SDK with retries rides out a short outage by itself', async () => {
    const patient = standInClient(ctx.standIn.port, { maxNetworkRetries: 5 });
    // A 429 without Stripe-Should-Retry is not retried by the SDK (as with Stripe); a 500 is.
    ctx.standIn.outage.start({ failures: ['server_error'] });
    setTimeout(() => ctx.standIn.outage.stop(), 300);
    await expect(intent(patient, 'patient')).resolves.toMatchObject({ object: 'payment_intent' });
  });

  it('rejects an unknown failure kind', () => {
    expect(() => ctx.standIn.outage.start({ failures: ['meteor' as 'timeout'] })).toThrow(/failures must be some of/);
    expect(ctx.standIn.outage.isActive).toBe(false);
  });
});
