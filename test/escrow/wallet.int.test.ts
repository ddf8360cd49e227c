import { sql } from 'kysely';
import Stripe from 'stripe';
import { syncConnectAccount } from '../../src/modules/wallet';
import { eventually } from '../support/fixtures';
import { createUser, type TestUser } from '../support/harness';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';
import { buyNowSale, findTx, openWallet, pay, payAndFund, simulateVerify, transfersOf, waitForStatus } from './helpers';

let env: StripeTestEnv;
let buyer: TestUser;

beforeAll(async () => {
  env = await createStripeTestEnv();
  buyer = await createUser(env.deps);
});
afterAll(async () => {
  await env.close();
});

const sellerAccount = (userId: string) =>
  env.deps.db.selectFrom('sellerAccounts').selectAll().where('userId', '=', userId).executeTakeFirst();
const accountsOf = (userId: string) => env.standIn.listObjects('account').filter((a) => a.metadata.user_id === userId);

describe('POST /v1/users/me/wallet', () => {
  it('creates the Connect account once per user and always answers an onboarding link', async () => {
    const seller = await createUser(env.deps);
    const [a, b] = await Promise.all([
      env.http.post('/v1/users/me/wallet').set(seller.auth).send({}),
      env.http.post('/v1/users/me/wallet').set(seller.auth).send({}),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.accountId).toBe(b.body.accountId);
    expect(a.body.accountId).toMatch(/^acct_/);
    expect(a.body.onboardingUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_standin\/connect\//);
    const again = await env.http.post('/v1/users/me/wallet').set(seller.auth).send({});
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accountId: a.body.accountId, payoutsEnabled: true });
    expect(accountsOf(seller.id)).toHaveLength(1);
    expect(await sellerAccount(seller.id)).toMatchObject({ stripeAccountId: a.body.accountId, payoutsEnabled: true });
    expect((await env.http.post('/v1/users/me/wallet').send({})).status).toBe(401);
  });

  it('reports pending, in-escrow and paid-out amounts as a seller', async () => {
    const seller = await createUser(env.deps);
    await openWallet(env, seller);
    const unpaid = await buyNowSale(env, seller, buyer, 10_000);
    const paid = await buyNowSale(env, seller, buyer, 20_000);
    const done = await buyNowSale(env, seller, buyer, 10_000);
    await payAndFund(env, buyer, paid.id);
    await payAndFund(env, buyer, done.id);
    await simulateVerify(env.deps, done.id);
    await waitForStatus(env.deps, done.id, 'released');
    const res = await env.http.get('/v1/users/me/wallet/balance').set(seller.auth);
    expect(res.status).toBe(200);
    // 20000 → 20000 − 1200 − 199 = 18601.
    expect(res.body).toEqual({ pendingCents: 9_201, inEscrowCents: 18_601, paidOutCents: 9_201, currency: 'CAD', payoutsEnabled: true });
    expect((await env.http.get('/v1/users/me/wallet/balance').set(buyer.auth)).body).toMatchObject({
      pendingCents: 0,
      inEscrowCents: 0,
      paidOutCents: 0,
    });
    expect(unpaid.status).toBe('pending_payment');
  });
});

/** A seller whose wallet has payouts disabled, and a verified sale whose payout waits for it. */
async function sellerWithWaitingPayout() {
  const seller = await createUser(env.deps);
  const accountId = await openWallet(env, seller);
  env.standIn.setAccountEnabled(accountId, false);
  await eventually(async () => (await sellerAccount(seller.id))?.payoutsEnabled === false);
  const tx = await buyNowSale(env, seller, buyer, 10_000);
  await payAndFund(env, buyer, tx.id);
  await simulateVerify(env.deps, tx.id);
  const waiting = await eventually(async () => {
    const row = await findTx(env.deps, tx.id);
    return row.payoutWaitingReason ? row : undefined;
  });
  return { seller, accountId, tx, waiting };
}

describe('a payout waits for an enabled account', () => {
  it('holds the release while payouts are disabled, then pays once account.updated enables them', async () => {
    const { seller, accountId, tx, waiting } = await sellerWithWaitingPayout();
    expect(waiting).toMatchObject({ status: 'in_escrow', transferId: null, payoutWaitingReason: 'qr_verified' });
    const note = await eventually(() =>
      env.deps.db.selectFrom('notifications').selectAll().where('dedupeKey', '=', `wallet-needed-${tx.id}`).executeTakeFirst(),
    );
    expect(note).toMatchObject({ userId: seller.id, title: 'Set up your wallet to get paid' });
    expect(transfersOf(env, tx.id)).toHaveLength(0);

    env.standIn.setAccountEnabled(accountId, true);
    const released = await waitForStatus(env.deps, tx.id, 'released');
    expect(released.payoutWaitingReason).toBeNull();
    expect(transfersOf(env, tx.id).map((t) => [t.amount, t.destination])).toEqual([[9_201, accountId]]);
  });

  it('account.updated for another account naming the seller leaves the wallet and the waiting payouts alone', async () => {
    const { seller, accountId, tx } = await sellerWithWaitingPayout();

    // A second account whose metadata names the seller (made by hand in the dashboard, say), enabled.
    const standIn = new URL(env.standIn.url);
    const stripe = new Stripe('sk_test_biddt_standin', { host: standIn.hostname, port: Number(standIn.port), protocol: 'http' });
    const stray = await stripe.accounts.create({ type: 'express', country: 'CA', metadata: { user_id: seller.id } });
    const eventId = `evt_stray_${stray.id}`;
    expect(await syncConnectAccount(env.deps, stray.id, eventId)).toBe('not_ours');

    expect(await sellerAccount(seller.id)).toMatchObject({ stripeAccountId: accountId, payoutsEnabled: false });
    const requeued = await env.deps.db
      .selectFrom('outbox')
      .select('id')
      .where(sql<boolean>`payload::text LIKE ${`%wallet-${eventId}%`}`)
      .execute();
    expect(requeued).toHaveLength(0);
    expect(await findTx(env.deps, tx.id)).toMatchObject({ status: 'in_escrow', transferId: null, payoutWaitingReason: 'qr_verified' });
  });

  it('holds the release of a seller with no wallet until they create one', async () => {
    const seller = await createUser(env.deps);
    const tx = await buyNowSale(env, seller, buyer, 10_000);
    const res = await pay(env, buyer, tx.id);
    env.standIn.confirmPaymentIntent(res.body.paymentIntentId, 'pm_card_visa');
    await waitForStatus(env.deps, tx.id, 'in_escrow');
    await simulateVerify(env.deps, tx.id);
    await eventually(async () => (await findTx(env.deps, tx.id)).payoutWaitingReason);

    await openWallet(env, seller);
    await waitForStatus(env.deps, tx.id, 'released');
    expect(transfersOf(env, tx.id).map((t) => t.amount)).toEqual([9_201]);
  });
});

describe('a waiting payout frozen by a chargeback', () => {
  const releaseIntent = (txId: string) =>
    env.deps.db.selectFrom('moneyIntents').selectAll().where('key', '=', `release-${txId}`).executeTakeFirst();
  /** The payout intent once `attempts` attempts ended in something other than running or due again. */
  const parkedOrDone = (txId: string, attempts: number) =>
    eventually(async () => {
      const intent = await releaseIntent(txId);
      return intent && intent.attempts >= attempts && !['running', 'pending'].includes(intent.status) ? intent : undefined;
    });

  /** A payout waiting since the QR, then a chargeback of `disputedCents` the issuer decides while the wallet is still disabled. */
  async function decidedWhileWaiting(outcome: 'won' | 'lost', disputedCents: number) {
    const { accountId, waiting } = await sellerWithWaitingPayout();
    const cb = env.standIn.createDispute(waiting.chargeId!, { amount: disputedCents });
    await waitForStatus(env.deps, waiting.id, 'disputed');
    env.standIn.closeDispute(cb.id, outcome);
    // The issuer's decision asks for the payout again; the wallet is still disabled, so it waits again.
    const parked = await parkedOrDone(waiting.id, 2);
    expect(parked).toMatchObject({ status: 'waiting_for_wallet', payload: { reason: 'dispute_resolved' } });
    return { accountId, txId: waiting.id };
  }

  it.each([
    { outcome: 'won' as const, disputedCents: 10_000, status: 'released' as const, refundedCents: 0, payoutCents: 9_201 },
    // 7000 − 420 − 199: the lost part went back to the buyer, the rest waited for the wallet.
    { outcome: 'lost' as const, disputedCents: 3_000, status: 'partially_refunded' as const, refundedCents: 3_000, payoutCents: 6_381 },
  ])(
    'goes out once the account is enabled after the issuer decided $outcome',
    async ({ outcome, disputedCents, status, refundedCents, payoutCents }) => {
      const { accountId, txId } = await decidedWhileWaiting(outcome, disputedCents);
      expect(await findTx(env.deps, txId)).toMatchObject({ status: 'disputed', payoutWaitingReason: 'dispute_resolved' });

      env.standIn.setAccountEnabled(accountId, true);
      expect(await parkedOrDone(txId, 3)).toMatchObject({ status: 'succeeded', lastOutcome: 'released' });
      expect(await findTx(env.deps, txId)).toMatchObject({ status, refundedCents, payoutWaitingReason: null });
      expect(transfersOf(env, txId).map((t) => [t.amount, t.destination])).toEqual([[payoutCents, accountId]]);
    },
  );

  it('goes out for a row still waiting under the QR reason (left by releases before the reason followed the dispute)', async () => {
    const { accountId, txId } = await decidedWhileWaiting('won', 10_000);
    await env.deps.db.updateTable('transactions').set({ payoutWaitingReason: 'qr_verified' }).where('id', '=', txId).execute();

    env.standIn.setAccountEnabled(accountId, true);
    expect(await parkedOrDone(txId, 3)).toMatchObject({ status: 'succeeded', lastOutcome: 'released' });
    expect(transfersOf(env, txId).map((t) => [t.amount, t.destination])).toEqual([[9_201, accountId]]);
  });
});
