import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { sha256 } from '../../src/shared/crypto';
import { openDispute } from '../../src/modules/disputes';
import { useDyingApi } from '../support/dying-api';
import { createUser, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';
import { createTransaction, outboxJobs, useTransactionParties, type TxFixture } from './support';

const QR_TTL_SEC = 120;
const ctx = useTransactionParties({ QR_TOKEN_TTL_SEC: String(QR_TTL_SEC) }, { buyer: 'Bea Buyer', seller: 'Sam Seller' });

const funded = (over: Partial<TxFixture> = {}) =>
  createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: ctx.seller.id, ...over });
const qr = (user: TestUser, txId: string) => ctx.env.http.get(`/v1/transactions/${txId}/qr`).set(user.auth);
const verify = (user: TestUser, txId: string, token: unknown) =>
  ctx.env.http.post(`/v1/transactions/${txId}/verify`).set(user.auth).send({ token });
const tokenFor = async (txId: string): Promise<string> => {
  const res = await qr(ctx.buyer, txId);
  expect(res.status).toBe(200);
  return res.body.token as string;
};

describe('GET /v1/transactions/:id/qr', () => {
  it('gives the buyer a 256-bit single-use code, stored only as a hash, valid QR_TOKEN_TTL_SEC, with a PNG QR', async () => {
    const tx = await funded();
    const before = Date.now();
    const res = await qr(ctx.buyer, tx.id);
    expect(res.status).toBe(200);
    const { token, expiresAt, qrPngDataUrl, pickupUri } = res.body;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes base64url
    expect(Date.parse(expiresAt) - before).toBeGreaterThan((QR_TTL_SEC - 5) * 1000);
    expect(Date.parse(expiresAt) - before).toBeLessThan((QR_TTL_SEC + 5) * 1000);
    expect(pickupUri).toBe(`biddt://pickup/${tx.id}?t=${token}`);
    expect(qrPngDataUrl).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(qrPngDataUrl.split(',')[1], 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    const rows = await ctx.env.deps.db.selectFrom('pickupTokens').selectAll().where('transactionId', '=', tx.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ buyerId: ctx.buyer.id, tokenHash: sha256(token), usedAt: null, voidedAt: null });
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('is for the buyer only: seller and staff 403, stranger 404, anonymous 401', async () => {
    const tx = await funded();
    expectProblem(await qr(ctx.seller, tx.id), 403, 'not_buyer');
    expectProblem(await qr(ctx.support, tx.id), 403, 'not_buyer');
    expectProblem(await qr(ctx.stranger, tx.id), 404, 'not_found');
    expectProblem(await ctx.env.http.get(`/v1/transactions/${tx.id}/qr`), 401);
    expect(await ctx.env.deps.db.selectFrom('pickupTokens').select('id').where('transactionId', '=', tx.id).execute()).toHaveLength(0);
  });

  it('refuses an unfunded, a disputed, a released, and an already verified transaction with 409', async () => {
    expectProblem(await qr(ctx.buyer, (await funded({ status: 'pending_payment' })).id), 409, 'transaction_not_in_escrow');
    expectProblem(await qr(ctx.buyer, (await funded({ status: 'released' })).id), 409, 'transaction_not_in_escrow');
    expectProblem(await qr(ctx.buyer, (await funded({ verified: true })).id), 409, 'already_verified');
    const disputed = await funded();
    expect(
      (
        await ctx.env.http
          .post(`/v1/transactions/${disputed.id}/dispute`)
          .set(ctx.seller.auth)
          .send({ reason: 'no_show', details: 'Buyer never came.' })
      ).status,
    ).toBe(201);
    expectProblem(await qr(ctx.buyer, disputed.id), 409, 'dispute_open');
    // Decided by support but not yet settled (still `disputed`): said so, not "a dispute is open".
    const dispute = await ctx.env.deps.db
      .selectFrom('disputes')
      .select('id')
      .where('transactionId', '=', disputed.id)
      .executeTakeFirstOrThrow();
    const decided = await ctx.env.http
      .post(`/v1/admin/disputes/${dispute.id}/resolve`)
      .set(ctx.support.auth)
      .send({ resolution: 'refund', note: 'No show.' });
    expect(decided.status).toBe(200);
    expectProblem(await qr(ctx.buyer, disputed.id), 409, 'dispute_decided');
  });

  it('voids the earlier code when a new one is issued', async () => {
    const tx = await funded();
    const first = await tokenFor(tx.id);
    const second = await tokenFor(tx.id);
    expect(second).not.toBe(first);
    expectProblem(await verify(ctx.seller, tx.id, first), 422, 'invalid_pickup_token');
    expect((await verify(ctx.seller, tx.id, second)).status).toBe(200);
    const voided = await ctx.env.deps.db
      .selectFrom('pickupTokens')
      .select(['tokenHash', 'voidedAt', 'usedAt'])
      .where('transactionId', '=', tx.id)
      .execute();
    expect(voided.find((t) => t.tokenHash === sha256(first))).toMatchObject({ voidedAt: expect.any(Date), usedAt: null });
  });
});

describe('POST /v1/transactions/:id/verify', () => {
  it('lets the seller redeem the code: verified_at, timeline, and exactly one release job in the outbox', async () => {
    const tx = await funded();
    const token = await tokenFor(tx.id);
    const res = await verify(ctx.seller, tx.id, token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: tx.id, status: 'in_escrow', verifiedAt: expect.any(String), myRole: 'seller' });

    const row = await ctx.env.deps.db
      .selectFrom('transactions')
      .select(['verifiedAt', 'status'])
      .where('id', '=', tx.id)
      .executeTakeFirstOrThrow();
    expect(row.verifiedAt).toBeInstanceOf(Date);
    const jobs = await outboxJobs(ctx.env.deps, 'escrow.release', tx.id);
    expect(jobs).toEqual([
      expect.objectContaining({
        queue: 'escrow',
        jobId: expect.stringMatching(`^release-${tx.id}`),
        data: { transactionId: tx.id, reason: 'qr_verified' },
      }),
    ]);
    const events = await ctx.env.http.get(`/v1/transactions/${tx.id}/events`).set(ctx.buyer.auth);
    expect(events.body.items).toEqual([expect.objectContaining({ type: 'pickup_verified', actor: 'seller' })]);
  });

  it('refuses a used, an expired, a garbage and another transaction’s code with 422 invalid_pickup_token', async () => {
    const tx = await funded();
    const token = await tokenFor(tx.id);
    expect((await verify(ctx.seller, tx.id, token)).status).toBe(200);
    expectProblem(await verify(ctx.seller, tx.id, token), 422, 'invalid_pickup_token');

    const expiring = await funded();
    const stale = await tokenFor(expiring.id);
    await ctx.env.deps.db
      .updateTable('pickupTokens')
      .set({ expiresAt: sql<Date>`now() - interval '1 second'` })
      .where('tokenHash', '=', sha256(stale))
      .execute();
    expectProblem(await verify(ctx.seller, expiring.id, stale), 422, 'invalid_pickup_token');
    expectProblem(await verify(ctx.seller, expiring.id, 'not-a-real-code'), 422, 'invalid_pickup_token');

    // Same seller, two funded transactions: A's code does not open B.
    const a = await funded();
    const b = await funded();
    const codeOfA = await tokenFor(a.id);
    await tokenFor(b.id);
    const res = await verify(ctx.seller, b.id, codeOfA);
    expectProblem(res, 422, 'invalid_pickup_token');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'token' })]);
    // A's code is still good for A: the failed attempt consumed nothing.
    expect((await verify(ctx.seller, a.id, codeOfA)).status).toBe(200);
    expect(await outboxJobs(ctx.env.deps, 'escrow.release', b.id)).toHaveLength(0);
  });

  it('refuses an over-long code like any other wrong code (422 invalid_pickup_token naming token), consuming nothing', async () => {
    const tx = await funded();
    const token = await tokenFor(tx.id);
    for (const long of ['x'.repeat(513), token + 'A'.repeat(600), 'y'.repeat(100_000)]) {
      const res = await verify(ctx.seller, tx.id, long);
      expectProblem(res, 422, 'invalid_pickup_token');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'token' })]);
    }
    // The state checks still come first, as for any other code.
    const pending = await funded({ status: 'pending_payment' });
    expectProblem(await verify(ctx.seller, pending.id, 'z'.repeat(513)), 409, 'transaction_not_in_escrow');
    expect((await verify(ctx.seller, tx.id, token)).status).toBe(200);
  });

  it('is for the seller of THAT transaction: buyer 403, another seller 404, staff 403, anonymous 401', async () => {
    const tx = await funded();
    const token = await tokenFor(tx.id);
    const otherSeller = await createUser(ctx.env.deps);
    await createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: otherSeller.id });
    expectProblem(await verify(ctx.buyer, tx.id, token), 403, 'not_seller');
    expectProblem(await verify(otherSeller, tx.id, token), 404, 'not_found');
    expectProblem(await verify(ctx.stranger, tx.id, token), 404, 'not_found');
    expectProblem(await verify(ctx.support, tx.id, token), 403, 'not_seller');
    expectProblem(await ctx.env.http.post(`/v1/transactions/${tx.id}/verify`).send({ token }), 401);
    // None of them burned the code.
    expect((await verify(ctx.seller, tx.id, token)).status).toBe(200);
  });

  it('answers 409 for an unfunded transaction and while a dispute is open (the code stays unused)', async () => {
    const pending = await funded({ status: 'pending_payment' });
    expectProblem(await verify(ctx.seller, pending.id, 'anything'), 409, 'transaction_not_in_escrow');

    const tx = await funded();
    const token = await tokenFor(tx.id);
    // A dispute opened after the code was shown freezes the handover.
    await ctx.env.deps.db.transaction().execute(async (trx) => {
      const locked = await trx.selectFrom('transactions').selectAll().where('id', '=', tx.id).forUpdate().executeTakeFirstOrThrow();
      await openDispute(trx, locked, { source: 'party', openedBy: ctx.buyer.id, reason: 'damaged', details: 'Cracked screen.' });
    });
    expectProblem(await verify(ctx.seller, tx.id, token), 409, 'dispute_open');
    // Once support decided (the refund not yet made), the code is refused as decided, still unused.
    const dispute = await ctx.env.deps.db.selectFrom('disputes').select('id').where('transactionId', '=', tx.id).executeTakeFirstOrThrow();
    const decided = await ctx.env.http
      .post(`/v1/admin/disputes/${dispute.id}/resolve`)
      .set(ctx.support.auth)
      .send({ resolution: 'refund', note: 'Damaged.' });
    expect(decided.status).toBe(200);
    const late = await verify(ctx.seller, tx.id, token);
    expectProblem(late, 409, 'dispute_decided');
    expect(late.body.detail).toBe('The dispute was decided; the money is being settled.');
    const row = await ctx.env.deps.db
      .selectFrom('pickupTokens')
      .select('usedAt')
      .where('tokenHash', '=', sha256(token))
      .executeTakeFirstOrThrow();
    expect(row.usedAt).toBeNull();
    expect(await outboxJobs(ctx.env.deps, 'escrow.release', tx.id)).toHaveLength(0);
  });

  it('refuses a missing token as malformed (400)', async () => {
    const tx = await funded();
    expectProblem(await ctx.env.http.post(`/v1/transactions/${tx.id}/verify`).set(ctx.seller.auth).send({}), 400, 'validation_failed');
  });

  it('two concurrent scans of a valid code: exactly one success (the other 422) and one release job', async () => {
    for (let round = 0; round < 3; round++) {
      const tx = await funded();
      const token = await tokenFor(tx.id);
      const answers = await Promise.all(Array.from({ length: 4 }, () => verify(ctx.seller, tx.id, token)));
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 422, 422, 422]);
      for (const r of answers.filter((a) => a.status === 422)) expect(r.body.code).toBe('invalid_pickup_token');
      expect(await outboxJobs(ctx.env.deps, 'escrow.release', tx.id)).toHaveLength(1);
      const timeline = await ctx.env.deps.db.selectFrom('transactionEvents').select('type').where('transactionId', '=', tx.id).execute();
      expect(timeline.filter((e) => e.type === 'pickup_verified')).toHaveLength(1);
    }
  });

  it('replays a retried scan with the same Idempotency-Key instead of refusing it', async () => {
    const tx = await funded();
    const token = await tokenFor(tx.id);
    const send = () =>
      ctx.env.http.post(`/v1/transactions/${tx.id}/verify`).set(ctx.seller.auth).set('Idempotency-Key', `scan-${tx.id}`).send({ token });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await outboxJobs(ctx.env.deps, 'escrow.release', tx.id)).toHaveLength(1);
  });
});

describe('POST /v1/transactions/:id/verify with an Idempotency-Key', () => {
  // A second api on the same database whose requests die past their commit (test/support/dying-api.ts).
  const dyingApi = useDyingApi(() => ctx.env);

  const verifyWithKey = (txId: string, token: string, key: string, api = ctx.env.http) =>
    api.post(`/v1/transactions/${txId}/verify`).set(ctx.seller.auth).set('Idempotency-Key', key).send({ token });

  it('a retry after the first scan died past its commit gets the 200 verified detail, and the release is queued once', async () => {
    const tx = await funded();
    const token = await tokenFor(tx.id);
    const key = randomUUID();
    await dyingApi.dieAfterWork(key, (api) => verifyWithKey(tx.id, token, key, api));
    expect(await outboxJobs(ctx.env.deps, 'escrow.release', tx.id)).toHaveLength(1);
    // The app retries under the same key once the dead request's lease (IDEMPOTENCY_LEASE_MS) is over.
    const retry = await verifyWithKey(tx.id, token, key);
    expect(retry.status).toBe(200);
    // The body a live scan answers: the transaction detail as the seller sees it.
    expect(retry.body).toMatchObject({ id: tx.id, status: 'in_escrow', verifiedAt: expect.any(String), myRole: 'seller', dispute: null });
    // (GET /transactions/:id answers the same TransactionDetail, plus its meetup.)
    const { meetup, ...detail } = (await ctx.env.http.get(`/v1/transactions/${tx.id}`).set(ctx.seller.auth)).body;
    expect(meetup).toBeNull();
    expect(retry.body).toEqual(detail);
    expect(await outboxJobs(ctx.env.deps, 'escrow.release', tx.id)).toHaveLength(1);
    const timeline = await ctx.env.deps.db.selectFrom('transactionEvents').select('type').where('transactionId', '=', tx.id).execute();
    expect(timeline.filter((e) => e.type === 'pickup_verified')).toHaveLength(1);
  });
});
