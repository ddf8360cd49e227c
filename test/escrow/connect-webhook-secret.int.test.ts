import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { createUser } from '../support/harness';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';
import { openWallet } from './helpers';

// Issue #10: Stripe signs events of connected accounts on a Connect endpoint with its own secret;
// only the platform secret was accepted, so every `account.updated` from a real Connect endpoint was 400.
const connectSecret = `whsec_connect_${randomBytes(12).toString('hex')}`;
let env: StripeTestEnv;
beforeAll(async () => {
  env = await createStripeTestEnv({ env: { STRIPE_CONNECT_WEBHOOK_SECRET: connectSecret } });
});
afterAll(async () => {
  await env.close();
});

const post = (payload: string, secret: string) =>
  env.http
    .post('/v1/webhooks/stripe')
    .set('Content-Type', 'application/json')
    .set('Stripe-Signature', Stripe.webhooks.generateTestHeaderString({ payload, secret }))
    .send(payload);

/** A copy of the stand-in's `account.updated` for `accountId`, under a new event id (as a Connect endpoint would deliver it). */
function accountUpdated(accountId: string): { id: string; payload: string } {
  const original = env.standIn
    .listObjects('event')
    .find((e) => e.type === 'account.updated' && (e.data.object as { id: string }).id === accountId)!;
  const id = `evt_connect_${randomBytes(8).toString('hex')}`;
  return { id, payload: JSON.stringify({ ...original, id, account: accountId }) };
}

const stored = (id: string) => env.deps.db.selectFrom('stripeEvents').selectAll().where('id', '=', id).executeTakeFirst();

describe('POST /v1/webhooks/stripe with a Connect endpoint secret', () => {
  it('accepts an event signed with the Connect secret and stores it', async () => {
    const seller = await createUser(env.deps);
    const accountId = await openWallet(env, seller);
    const event = accountUpdated(accountId);
    const res = await post(event.payload, connectSecret);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: true, duplicate: false, eventId: event.id });
    expect(await stored(event.id)).toMatchObject({ type: 'account.updated', objectId: accountId });
  });

  it('still accepts the platform secret, and refuses any other secret (400, nothing stored)', async () => {
    const seller = await createUser(env.deps);
    const accountId = await openWallet(env, seller);
    const platform = accountUpdated(accountId);
    expect((await post(platform.payload, env.webhookSecret)).status).toBe(200);
    expect(await stored(platform.id)).toBeDefined();
    const foreign = accountUpdated(accountId);
    const res = await post(foreign.payload, 'whsec_not_ours');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).code).toBe('invalid_signature');
    expect(await stored(foreign.id)).toBeUndefined();
  });
});
