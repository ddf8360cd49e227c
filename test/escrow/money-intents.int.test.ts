import { sql } from 'kysely';
import { sweepEscrow } from '../../src/modules/escrow';
import { eventually } from '../support/fixtures';
import { createUser, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';
import { buyNowSale, ledgerOf, openWallet, payAndFund, simulateVerify, transfersOf, waitForStatus , intentDriver } from './helpers';

/**
 * Issue #10's acceptance: every money effect is a durable intent that is retried — with capped
 * backoff, for as long as it takes — until it happened, exactly once, with no human action; staff
 * see and re-run the ones failing. Time is a fake clock shared by the api and the workers, so
 * minutes of "Stripe is down" take a few real seconds.
 */

const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
let env: StripeTestEnv;
let seller: TestUser;
let buyer: TestUser;
let support: TestUser;

beforeAll(async () => {
  env = await createStripeTestEnv({ deps: { clock } });
  seller = await createUser(env.deps);
  buyer = await createUser(env.deps);
  support = await createUser(env.deps, { role: 'support' });
  await openWallet(env, seller);
});
afterAll(async () => {
  await env.close();
});
afterEach(() => env.standIn.clearFaults());

const STRIPE_DOWN = { pathPrefix: '/v1/', mode: 'error_before_commit' as const, times: 100_000 };

const { intentOf, settled, nextAttempt } = intentDriver(() => env, clock);

async function fundedSale(amountCents = 10_000) {
  const tx = await buyNowSale(env, seller, buyer, amountCents);
  return payAndFund(env, buyer, tx.id);
}

/** The buyer opens a dispute and support decides it through the API (as the console does). */
async function supportResolves(txId: string, resolution: 'refund' | 'partial_refund', amountCents?: number): Promise<string> {
  const opened = await env.http
    .post(`/v1/transactions/${txId}/dispute`)
    .set(buyer.auth)
    .send({ reason: 'item_not_as_described', details: 'The item is not what the listing showed.' });
  expect(opened.status).toBe(201);
  const res = await env.http
    .post(`/v1/admin/disputes/${opened.body.id}/resolve`)
    .set(support.auth)
    .set('Idempotency-Key', `resolve-${opened.body.id}`)
    .send({ resolution, amountCents, note: 'Decided by support.' });
  expect(res.status).toBe(200);
  return opened.body.id as string;
}

const refundsOf = (paymentIntentId: string) => env.standIn.listObjects('refund').filter((r) => r.payment_intent === paymentIntentId);

describe('money intents: retried until done, exactly once', () => {
  it('a refund decided while Stripe is down for 5 minutes reaches the buyer once Stripe is back, with no human action', async () => {
    const tx = await fundedSale();
    env.standIn.failNext(STRIPE_DOWN);
    const start = clock.now().getTime();
    const disputeId = await supportResolves(tx.id, 'refund');
    const key = `refund-${tx.id}-${disputeId}`;

    // The quick retries (BullMQ's own) fail; the intent then waits out its backoff.
    let intent = await settled(key, 3);
    expect(intent).toMatchObject({ status: 'pending', kind: 'refund', amountCents: 10_000 });
    expect(intent.lastError).toMatch(/./);
    while (intent.nextAttemptAt.getTime() - start < 5 * 60_000) {
      intent = await nextAttempt(intent);
      expect(['pending', 'failing']).toContain(intent.status);
    }
    expect(intent.attempts).toBeGreaterThanOrEqual(8);
    expect((await waitForStatus(env.deps, tx.id, 'disputed')).refundId).toBeNull();
    expect(refundsOf(tx.paymentIntentId!)).toHaveLength(0);

    env.standIn.clearFaults();
    intent = await nextAttempt(intent);
    expect(intent).toMatchObject({ status: 'succeeded', lastOutcome: 'refunded' });
    const done = await waitForStatus(env.deps, tx.id, 'refunded');
    expect(refundsOf(tx.paymentIntentId!).map((r) => [r.id, r.amount])).toEqual([[done.refundId, 10_000]]);
    const ledger = await ledgerOf(env.deps, tx.id);
    expect(ledger.movements.map((m) => [m.type, m.sum])).toEqual([
      ['charge', 0],
      ['refund', 0],
    ]);
    expect(ledger.escrow).toBe(0);

    // Exactly once: a late duplicate (sweep, job, staff) finds it done and moves nothing.
    expect(await sweepEscrow(env.workerDeps)).toMatchObject({ intents: 0 });
    const dup = await env.deps.queues.escrow.add('escrow.refund', { transactionId: tx.id, amountCents: 10_000, disputeId }, { jobId: `dup-${key}` });
    await eventually(async () => (await dup.isCompleted()) || undefined);
    expect(refundsOf(tx.paymentIntentId!)).toHaveLength(1);
  });

  it("a partial refund's remainder is retried until the seller is paid, once", async () => {
    const tx = await fundedSale();
    env.standIn.failNext({ method: 'POST', pathPrefix: '/v1/transfers', mode: 'error_before_commit', times: 100_000 });
    await supportResolves(tx.id, 'partial_refund', 3_000);
    let release = await settled(`release-${tx.id}`, 3);
    expect(release.status).toBe('pending');
    expect((await waitForStatus(env.deps, tx.id, 'disputed')).refundedCents).toBe(3_000);
    release = await nextAttempt(release);
    env.standIn.clearFaults();
    release = await nextAttempt(release);
    expect(release.status).toBe('succeeded');
    await waitForStatus(env.deps, tx.id, 'partially_refunded');
    expect(transfersOf(env, tx.id).map((t) => t.amount)).toEqual([6_381]);
    expect((await ledgerOf(env.deps, tx.id)).escrow).toBe(0);
  });

  it('after the quick retries, the next attempt comes by itself when its backoff ends (no sweep)', async () => {
    const tx = await fundedSale();
    env.standIn.failNext({ method: 'POST', pathPrefix: '/v1/transfers', mode: 'error_before_commit', times: 100_000 });
    await supportResolves(tx.id, 'partial_refund', 2_000);
    const release = await settled(`release-${tx.id}`, 3);
    expect(release.status).toBe('pending');
    // The attempt queued its successor as a delayed job due at the end of its backoff.
    const wake = await env.deps.queues.escrow.getJob(`intent-${release.id}-${release.attempts}-wake`);
    expect(wake?.name).toBe('escrow.release');
    expect(wake!.timestamp + wake!.delay).toBeGreaterThanOrEqual(release.nextAttemptAt.getTime() - clock.offsetMs - 1_000);
    env.standIn.clearFaults();
    await expect(eventually(async () => ((await intentOf(`release-${tx.id}`))?.status === 'succeeded' ? true : undefined), 20_000)).resolves.toBe(true);
    await waitForStatus(env.deps, tx.id, 'partially_refunded');
    expect(transfersOf(env, tx.id)).toHaveLength(1);
  }, 30_000);

  it('a worker killed after Stripe made the transfer, before recording it: the expired lease is taken over, one transfer', async () => {
    const tx = await fundedSale();
    // The dead worker's state: the intent claimed (lease since expired), the transfer made at Stripe, nothing recorded.
    await env.deps.db.transaction().execute(async (trx) => {
      await trx.updateTable('transactions').set({ verifiedAt: new Date(Date.now() - 10 * 60_000) }).where('id', '=', tx.id).execute();
      await trx
        .insertInto('moneyIntents')
        .values({
          key: `release-${tx.id}`,
          kind: 'release',
          transactionId: tx.id,
          payload: JSON.stringify({ transactionId: tx.id, reason: 'qr_verified' }),
          status: 'running',
          attempts: 1,
          leaseUntil: new Date(clock.now().getTime() - 1000),
          claimedAt: new Date(clock.now().getTime() - 60_000),
        })
        .execute();
    });
    const account = await env.deps.db.selectFrom('sellerAccounts').select('stripeAccountId').where('userId', '=', seller.id).executeTakeFirstOrThrow();
    await env.workerDeps.payments.createTransfer({ transactionId: tx.id, amountCents: 9_201, destination: account.stripeAccountId, sourceCharge: tx.chargeId! });
    expect(await sweepEscrow(env.workerDeps)).toMatchObject({ intents: 1 });
    const intent = await settled(`release-${tx.id}`, 2);
    expect(intent.status).toBe('succeeded');
    await waitForStatus(env.deps, tx.id, 'released');
    expect(transfersOf(env, tx.id)).toHaveLength(1);
  });

  it('a slow Stripe holds no database lock: the transaction row stays writable while the transfer is in flight', async () => {
    const tx = await fundedSale();
    env.standIn.failNext({ method: 'POST', pathPrefix: '/v1/transfers', mode: 'delay', delayMs: 3_000 });
    await simulateVerify(env.deps, tx.id);
    await eventually(async () => (await intentOf(`release-${tx.id}`))?.status === 'running' || undefined);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await env.deps.db.transaction().execute(async (trx) => {
      // NOWAIT: fails at once if the release held the row lock across its Stripe call.
      await sql`SELECT id FROM transactions WHERE id = ${tx.id} FOR UPDATE NOWAIT`.execute(trx);
      await trx.updateTable('transactions').set({ updatedAt: new Date() }).where('id', '=', tx.id).execute();
    });
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect((await intentOf(`release-${tx.id}`))?.status).toBe('running');
    // No pool connection sits idle in a transaction while Stripe thinks.
    const idleInTx = await sql<{ n: string }>`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'`.execute(env.deps.db);
    expect(Number(idleInTx.rows[0].n)).toBe(0);
    await waitForStatus(env.deps, tx.id, 'released');
    expect(transfersOf(env, tx.id)).toHaveLength(1);
  });

  it('a failing intent is listed for staff, counted by the metric, and re-run by support (audited); users are refused', async () => {
    const tx = await fundedSale();
    env.standIn.failNext({ method: 'POST', pathPrefix: '/v1/transfers', mode: 'error_before_commit', times: 100_000 });
    await simulateVerify(env.deps, tx.id);
    let intent = await settled(`release-${tx.id}`, 3);
    while (intent.status !== 'failing') intent = await nextAttempt(intent);
    expect(intent.attempts).toBe(env.deps.config.moneyIntents.failingAfterAttempts);

    const list = await env.http.get('/v1/admin/money-jobs?status=failing&limit=100').set(support.auth);
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(
      expect.objectContaining({ id: intent.id, kind: 'release', transactionId: tx.id, status: 'failing', attempts: intent.attempts, lastError: expect.any(String) }),
    );
    const metrics = await env.http.get('/metrics');
    expect(metrics.text).toMatch(/money_intents\{status="failing"\} [1-9]/);
    expect(metrics.text).toMatch(/money_intent_attempts_total\{kind="release"\} \d+/);

    // Bad filter, plain users, unknown ids.
    expectProblem(await env.http.get('/v1/admin/money-jobs?status=bogus').set(support.auth), 400);
    expectProblem(await env.http.get('/v1/admin/money-jobs').set(buyer.auth), 403);
    expectProblem(await env.http.post(`/v1/admin/money-jobs/${intent.id}/retry`).set(seller.auth), 403);
    expectProblem(await env.http.post(`/v1/admin/money-jobs/00000000-0000-4000-8000-000000000000/retry`).set(support.auth), 404);

    env.standIn.clearFaults();
    const retried = await env.http.post(`/v1/admin/money-jobs/${intent.id}/retry`).set(support.auth);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: intent.id, status: 'pending' });
    await waitForStatus(env.deps, tx.id, 'released');
    expect((await settled(intent.key, intent.attempts + 1)).status).toBe('succeeded');
    expect(transfersOf(env, tx.id)).toHaveLength(1);
    expectProblem(await env.http.post(`/v1/admin/money-jobs/${intent.id}/retry`).set(support.auth), 409, 'money_job_succeeded');
    const audit = await env.deps.db.selectFrom('auditLog').selectAll().where('action', '=', 'money_job.retried').where('targetId', '=', intent.id).execute();
    expect(audit).toEqual([expect.objectContaining({ actorId: support.id, targetType: 'money_job' })]);
  });
});
