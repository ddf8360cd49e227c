import Stripe from 'stripe';
import { startStandInWithReceiver, type StandInWithReceiver } from '../src/testing';

const SECRET = 'whsec_standin_test';
let ctx: StandInWithReceiver;

beforeAll(async () => {
  ctx = await startStandInWithReceiver(SECRET);
});

afterAll(() => ctx.close());

beforeEach(() => ctx.reset());

async function eventsOfType(type: string): Promise<Stripe.Event[]> {
  await ctx.standIn.waitForDeliveries(5_000);
  return ctx.receiver.events().filter((e) => e.type === type);
}

async function sellerAccount(): Promise<Stripe.Account> {
  return ctx.stripe.accounts.create({ type: 'express', country: 'CA', email: 'seller@example.com', capabilities: { transfers: { requested: true } } });
}

/** A paid intent of `amount`, as after the buyer confirmed on the device. */
async function paidIntent(amount: number, group = 'tx_1'): Promise<{ intent: Stripe.PaymentIntent; chargeId: string }> {
  const created = await ctx.stripe.paymentIntents.create({ amount, currency: 'cad', transfer_group: group, allowed_payment_method_types: ['card'] });
  const intent = await ctx.stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa' });
  return { intent, chargeId: String(intent.latest_charge) };
}

describe('Connect accounts', () => {
  it('creates an enabled Express account and delivers a signed account.updated', async () => {
    const account = await ctx.stripe.accounts.create({
      type: 'express', country: 'CA', email: 'seller@example.com', capabilities: { transfers: { requested: true } }, metadata: { userId: 'u_1' },
    });
    expect(account.id).toMatch(/^acct_/);
    expect(account).toMatchObject({ object: 'account', charges_enabled: true, payouts_enabled: true, details_submitted: true, livemode: false, metadata: { userId: 'u_1' } });
    expect(account.capabilities?.transfers).toBe('active');
    const updates = await eventsOfType('account.updated');
    expect(updates).toHaveLength(1);
    expect(updates[0].data.object).toMatchObject({ id: account.id, charges_enabled: true });
    expect((await ctx.stripe.accounts.retrieve(account.id)).email).toBe('seller@example.com');
  });

  it('issues an onboarding link that redirects back to return_url', async () => {
    const account = await sellerAccount();
    const link = await ctx.stripe.accountLinks.create({ account: account.id, type: 'account_onboarding', refresh_url: 'https://app.test/refresh', return_url: 'https://app.test/done' });
    expect(link.object).toBe('account_link');
    expect(link.expires_at).toBeGreaterThan(Math.floor(Date.now() / 1000));
    const res = await fetch(link.url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://app.test/done');
  });
});

describe('PaymentIntents', () => {
  it('confirms with pm_card_visa → succeeded, a retrievable charge and payment_intent.succeeded', async () => {
    const created = await ctx.stripe.paymentIntents.create({ amount: 10_000, currency: 'cad', transfer_group: 'tx_9', allowed_payment_method_types: ['card'], metadata: { tx: 'tx_9' } });
    expect(created.status).toBe('requires_payment_method');
    expect(created.client_secret).toMatch(new RegExp(`^${created.id}_secret_`));
    const intent = await ctx.stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa' });
    expect(intent.status).toBe('succeeded');
    const charge = await ctx.stripe.charges.retrieve(String(intent.latest_charge));
    expect(charge).toMatchObject({ object: 'charge', amount: 10_000, amount_refunded: 0, refunded: false, transfer_group: 'tx_9', payment_intent: created.id });
    const [event] = await eventsOfType('payment_intent.succeeded');
    expect(event.data.object).toMatchObject({ id: created.id, status: 'succeeded', metadata: { tx: 'tx_9' } });
    expect(await ctx.stripe.events.retrieve(event.id)).toMatchObject({ id: event.id, type: 'payment_intent.succeeded' });
  });

  it('expands latest_charge on request', async () => {
    const created = await ctx.stripe.paymentIntents.create({ amount: 2_000, currency: 'cad', allowed_payment_method_types: ['card'] });
    const intent = await ctx.stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa', expand: ['latest_charge'] });
    expect(intent.latest_charge).toMatchObject({ object: 'charge', amount: 2_000 });
  });

  it('declines pm_card_chargeDeclined with a StripeCardError and payment_intent.payment_failed', async () => {
    const created = await ctx.stripe.paymentIntents.create({ amount: 10_000, currency: 'cad', allowed_payment_method_types: ['card'] });
    const failure = await ctx.stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_chargeDeclined' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(failure).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline' });
    const intent = await ctx.stripe.paymentIntents.retrieve(created.id);
    expect(intent.status).toBe('requires_payment_method');
    expect(intent.last_payment_error?.code).toBe('card_declined');
    expect(await eventsOfType('payment_intent.payment_failed')).toHaveLength(1);
  });

  it('requires return_url for a server-side confirm when redirect methods are allowed, as Stripe does', async () => {
    const created = await ctx.stripe.paymentIntents.create({ amount: 1_000, currency: 'cad', automatic_payment_methods: { enabled: true } });
    await expect(ctx.stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa' })).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    const viaDevice = ctx.standIn.confirmPaymentIntent(created.id, 'pm_card_visa');
    expect(viaDevice.status).toBe('succeeded');
  });

  it('confirms server-side without return_url when allow_redirects is never, as Stripe does', async () => {
    const created = await ctx.stripe.paymentIntents.create({ amount: 1_000, currency: 'cad', automatic_payment_methods: { enabled: true, allow_redirects: 'never' } });
    expect(created).toMatchObject({ automatic_payment_methods: { enabled: true, allow_redirects: 'never' }, payment_method_types: ['card'] });
    const confirmed = await ctx.stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa' });
    expect(confirmed.status).toBe('succeeded');
    expect(await eventsOfType('payment_intent.succeeded')).toHaveLength(1);
  });

  it('refuses redirect-based methods when allow_redirects is never, and methods an intent does not offer', async () => {
    const never = { enabled: true, allow_redirects: 'never' } as const;
    const mixed = await ctx.stripe.paymentIntents.create({ amount: 1_000, currency: 'cad', automatic_payment_methods: never, allowed_payment_method_types: ['card', 'ideal', 'klarna'] });
    expect(mixed.payment_method_types).toEqual(['card']);
    await expect(
      ctx.stripe.paymentIntents.create({ amount: 1_000, currency: 'cad', automatic_payment_methods: never, allowed_payment_method_types: ['ideal'] }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'payment_intent_invalid_parameter', param: 'allowed_payment_method_types' });
    const idealOnly = await ctx.stripe.paymentIntents.create({ amount: 1_000, currency: 'cad', allowed_payment_method_types: ['ideal'] });
    expect(idealOnly.payment_method_types).toEqual(['ideal']);
    await expect(
      ctx.stripe.paymentIntents.confirm(idealOnly.id, { payment_method: 'pm_card_visa', return_url: 'https://app.test/back' }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'payment_intent_incompatible_payment_method' });
    expect((await ctx.stripe.paymentIntents.retrieve(idealOnly.id)).status).toBe('requires_payment_method');
  });

  it('cancels an unpaid intent but refuses to cancel a succeeded one', async () => {
    const open = await ctx.stripe.paymentIntents.create({ amount: 1_000, currency: 'cad', allowed_payment_method_types: ['card'] });
    const canceled = await ctx.stripe.paymentIntents.cancel(open.id);
    expect(canceled.status).toBe('canceled');
    expect(await eventsOfType('payment_intent.canceled')).toHaveLength(1);
    const { intent } = await paidIntent(1_000);
    const failure = await ctx.stripe.paymentIntents.cancel(intent.id).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(failure).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
  });

  it('knows payment_method_types was replaced by allowed_payment_method_types in 2026-09-30', async () => {
    const legacy = { amount: 1_000, currency: 'cad', payment_method_types: ['card'] } as Stripe.PaymentIntentCreateParams;
    await expect(ctx.stripe.paymentIntents.create(legacy)).rejects.toMatchObject({ code: 'parameter_unknown', param: 'payment_method_types' });
    const old = await ctx.stripe.paymentIntents.create(legacy, { apiVersion: '2025-09-30.clover' });
    expect(old).toMatchObject({ payment_method_types: ['card'], automatic_payment_methods: null });
  });

  it('rejects unknown parameters and amounts under the minimum', async () => {
    const unknown = { amount: 1_000, currency: 'cad', amount_cents: 1_000 } as Stripe.PaymentIntentCreateParams;
    await expect(ctx.stripe.paymentIntents.create(unknown)).rejects.toMatchObject({ code: 'parameter_unknown', param: 'amount_cents' });
    await expect(ctx.stripe.paymentIntents.create({ amount: 10, currency: 'cad' })).rejects.toMatchObject({ code: 'amount_too_small' });
  });
});

describe('Transfers', () => {
  it('sends a transfer funded by source_transaction and lists it by transfer_group', async () => {
    const seller = await sellerAccount();
    const { chargeId } = await paidIntent(10_000, 'tx_42');
    const transfer = await ctx.stripe.transfers.create({ amount: 9_201, currency: 'cad', destination: seller.id, transfer_group: 'tx_42', source_transaction: chargeId, metadata: { tx: 'tx_42' } });
    expect(transfer).toMatchObject({ object: 'transfer', amount: 9_201, destination: seller.id, source_transaction: chargeId, reversed: false });
    expect(transfer.id).toMatch(/^tr_/);
    await ctx.stripe.transfers.create({ amount: 500, currency: 'cad', destination: seller.id, transfer_group: 'other', source_transaction: (await paidIntent(1_000, 'other')).chargeId });
    const listed = await ctx.stripe.transfers.list({ transfer_group: 'tx_42' });
    expect(listed.data.map((t) => t.id)).toEqual([transfer.id]);
    expect((await ctx.stripe.transfers.retrieve(transfer.id)).metadata).toEqual({ tx: 'tx_42' });
    expect(await eventsOfType('transfer.created')).toHaveLength(2);
  });

  it('refuses more than the source charge has left', async () => {
    const seller = await sellerAccount();
    const { chargeId } = await paidIntent(10_000);
    await ctx.stripe.transfers.create({ amount: 9_201, currency: 'cad', destination: seller.id, source_transaction: chargeId });
    await expect(ctx.stripe.transfers.create({ amount: 1_000, currency: 'cad', destination: seller.id, source_transaction: chargeId })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'balance_insufficient',
    });
  });

  it('rejects a destination that does not exist or is not enabled', async () => {
    const { chargeId } = await paidIntent(10_000);
    const missing = await ctx.stripe.transfers.create({ amount: 100, currency: 'cad', destination: 'acct_missing', source_transaction: chargeId }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing).toMatchObject({ code: 'resource_missing', param: 'destination' });
    const seller = await sellerAccount();
    ctx.standIn.setAccountEnabled(seller.id, false);
    await expect(ctx.stripe.transfers.create({ amount: 100, currency: 'cad', destination: seller.id, source_transaction: chargeId })).rejects.toMatchObject({
      code: 'insufficient_capabilities_for_transfer',
    });
    expect(ctx.standIn.listObjects('transfer')).toHaveLength(0);
  });

  it('reverses partially, then fully, and refuses to reverse further', async () => {
    const seller = await sellerAccount();
    const { chargeId } = await paidIntent(10_000);
    const transfer = await ctx.stripe.transfers.create({ amount: 9_201, currency: 'cad', destination: seller.id, source_transaction: chargeId });
    const partial = await ctx.stripe.transfers.createReversal(transfer.id, { amount: 1_000 });
    expect(partial).toMatchObject({ object: 'transfer_reversal', amount: 1_000, transfer: transfer.id });
    expect(partial.id).toMatch(/^trr_/);
    expect(await ctx.stripe.transfers.retrieve(transfer.id)).toMatchObject({ amount_reversed: 1_000, reversed: false });
    const rest = await ctx.stripe.transfers.createReversal(transfer.id);
    expect(rest.amount).toBe(8_201);
    expect(await ctx.stripe.transfers.retrieve(transfer.id)).toMatchObject({ amount_reversed: 9_201, reversed: true });
    await expect(ctx.stripe.transfers.createReversal(transfer.id, { amount: 1 })).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(await eventsOfType('transfer.reversed')).toHaveLength(2);
  });
});

describe('Refunds and disputes', () => {
  it('refunds partially, rejects an over-refund, then refunds the rest', async () => {
    const { intent, chargeId } = await paidIntent(10_000);
    const partial = await ctx.stripe.refunds.create({ payment_intent: intent.id, amount: 3_000, metadata: { reason: 'partial' } });
    expect(partial).toMatchObject({ object: 'refund', status: 'succeeded', amount: 3_000, charge: chargeId });
    expect(partial.id).toMatch(/^re_/);
    expect(await ctx.stripe.charges.retrieve(chargeId)).toMatchObject({ amount_refunded: 3_000, refunded: false });
    await expect(ctx.stripe.refunds.create({ payment_intent: intent.id, amount: 8_000 })).rejects.toMatchObject({ code: 'amount_too_large', param: 'amount' });
    const rest = await ctx.stripe.refunds.create({ charge: chargeId });
    expect(rest.amount).toBe(7_000);
    expect(await ctx.stripe.charges.retrieve(chargeId)).toMatchObject({ amount_refunded: 10_000, refunded: true });
    await expect(ctx.stripe.refunds.create({ charge: chargeId })).rejects.toMatchObject({ code: 'charge_already_refunded' });
    expect((await ctx.stripe.refunds.retrieve(partial.id)).metadata).toEqual({ reason: 'partial' });
    expect(await eventsOfType('charge.refunded')).toHaveLength(2);
  });

  it('opens a chargeback through the control API and closes it', async () => {
    const { chargeId } = await paidIntent(10_000);
    const dispute = ctx.standIn.createDispute(chargeId, { amount: 10_000, reason: 'fraudulent' });
    expect(dispute.id).toMatch(/^dp_/);
    expect(await ctx.stripe.disputes.retrieve(dispute.id)).toMatchObject({ charge: chargeId, amount: 10_000, status: 'needs_response', reason: 'fraudulent' });
    await expect(ctx.stripe.refunds.create({ charge: chargeId })).rejects.toMatchObject({ code: 'charge_disputed' });
    const [created] = await eventsOfType('charge.dispute.created');
    expect(created.data.object).toMatchObject({ id: dispute.id, charge: chargeId });
    ctx.standIn.closeDispute(dispute.id, 'won');
    const [closed] = await eventsOfType('charge.dispute.closed');
    expect(closed.data.object).toMatchObject({ id: dispute.id, status: 'won' });
  });

  it('keeps a plausible platform balance', async () => {
    await paidIntent(10_000);
    const balance = await ctx.stripe.balance.retrieve();
    const cad = balance.available.find((b) => b.currency === 'cad');
    expect(cad?.amount).toBe(10_000 - (290 + 30));
  });
});

describe('HTTP surface', () => {
  it('answers 401 without an API key and refuses JSON bodies', async () => {
    const anonymous = await fetch(`${ctx.standIn.url}/v1/balance`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const json = await fetch(`${ctx.standIn.url}/v1/payment_intents`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_test_x', 'Content-Type': 'application/json' },
      body: JSON.stringify({ amount: 1000, currency: 'cad' }),
    });
    expect(json.status).toBe(400);
  });

  it('accepts bracket notation from hand-written requests (expand[]=…)', async () => {
    const { intent } = await paidIntent(1_000);
    const res = await fetch(`${ctx.standIn.url}/v1/payment_intents/${intent.id}?expand[]=latest_charge`, { headers: { Authorization: 'Bearer sk_test_x' } });
    expect(await res.json()).toMatchObject({ latest_charge: { object: 'charge' } });
  });
});
