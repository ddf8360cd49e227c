import { sql } from 'kysely';
import { sha256 } from '../../src/shared/crypto';
import { openDispute } from '../../src/modules/disputes';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';
import { createTransaction, outboxJobs, type TxFixture } from './support';

const QR_TTL_SEC = 120;
let env: TestEnv;
let buyer: TestUser;
let seller: TestUser;
let stranger: TestUser;
let support: TestUser;

beforeAll(async () => {
  env = await createTestEnv({ QR_TOKEN_TTL_SEC: String(QR_TTL_SEC) });
  [buyer, seller, stranger, support] = await Promise.all([
    createUser(env.deps, { displayName: 'Bea Buyer' }),
    createUser(env.deps, { displayName: 'Sam Seller' }),
    createUser(env.deps),
    createUser(env.deps, { role: 'support' }),
  ]);
});
afterAll(async () => {
  await env.close();
});

const funded = (over: Partial<TxFixture> = {}) => createTransaction(env.deps, { buyerId: buyer.id, sellerId: seller.id, ...over });
const qr = (user: TestUser, txId: string) => env.http.get(`/v1/transactions/${txId}/qr`).set(user.auth);
const verify = (user: TestUser, txId: string, token: unknown) =>
  env.http.post(`/v1/transactions/${txId}/verify`).set(user.auth).send({ token });
const tokenFor = async (txId: string): Promise<string> => {
  const res = await qr(buyer, txId);
  expect(res.status).toBe(200);
  return res.body.token as string;
};

describe('GET /v1/transactions/:id/qr', () => {
  it('gives the buyer a 256-bit single-use code, stored only as a hash, valid QR_TOKEN_TTL_SEC, with a PNG QR', async () => {
    const tx = await funded();
    const before = Date.now();
    const res = await qr(buyer, tx.id);
    expect(res.status).toBe(200);
    const { token, expiresAt, qrPngDataUrl, pickupUri } = res.body;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes base64url
    expect(Date.parse(expiresAt) - before).toBeGreaterThan((QR_TTL_SEC - 5) * 1000);
    expect(Date.parse(expiresAt) - before).toBeLessThan((QR_TTL_SEC + 5) * 1000);
    expect(pickupUri).toBe(`biddt://pickup/${tx.id}?t=${token}`);
    expect(qrPngDataUrl).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(qrPngDataUrl.split(',')[1], 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    const rows = await env.deps.db.selectFrom('pickupTokens').selectAll().where('transactionId', '=', tx.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ buyerId: buyer.id, tokenHash: sha256(token), usedAt: null, voidedAt: null });
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('is for the buyer only: seller and staff 403, stranger 404, anonymous 401', async () => {
    const tx = await funded();
    expectProblem(await qr(seller, tx.id), 403, 'not_buyer');
    expectProblem(await qr(support, tx.id), 403, 'not_buyer');
    expectProblem(await qr(stranger, tx.id), 404, 'not_found');
    expectProblem(await env.http.get(`/v1/transactions/${tx.id}/qr`), 401);
    expect(await env.deps.db.selectFrom('pickupTokens').select('id').where('transactionId', '=', tx.id).execute()).toHaveLength(0);
  });

  it('refuses an unfunded, a disputed, a released, and an already verified transaction with 409', async () => {
    expectProblem(await qr(buyer, (await funded({ status: 'pending_payment' })).id), 409, 'transaction_not_in_escrow');
    expectProblem(await qr(buyer, (await funded({ status: 'released' })).id), 409, 'transaction_not_in_escrow');
    expectProblem(await qr(buyer, (await funded({ verified: true })).id), 409, 'already_verified');
    const disputed = await funded();
    expect(
      (
        await env.http
          .post(`/v1/transactions/${disputed.id}/dispute`)
          .set(seller.auth)
          .send({ reason: 'no_show', details: 'Buyer never came.' })
      ).status,
    ).toBe(201);
    expectProblem(await qr(buyer, disputed.id), 409, 'dispute_open');
  });

  it('voids the earlier code when a new one is issued', async () => {
    const tx = await funded();
    const first = await tokenFor(tx.id);
    const second = await tokenFor(tx.id);
    expect(second).not.toBe(first);
    expectProblem(await verify(seller, tx.id, first), 422, 'invalid_pickup_token');
    expect((await verify(seller, tx.id, second)).status).toBe(200);
    const voided = await env.deps.db
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
    const res = await verify(seller, tx.id, token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: tx.id, status: 'in_escrow', verifiedAt: expect.any(String), myRole: 'seller' });

    const row = await env.deps.db
      .selectFrom('transactions')
      .select(['verifiedAt', 'status'])
      .where('id', '=', tx.id)
      .executeTakeFirstOrThrow();
    expect(row.verifiedAt).toBeInstanceOf(Date);
    const jobs = await outboxJobs(env.deps, 'escrow.release', tx.id);
    expect(jobs).toEqual([
      expect.objectContaining({
        queue: 'escrow',
        jobId: expect.stringMatching(`^release-${tx.id}`),
        data: { transactionId: tx.id, reason: 'qr_verified' },
      }),
    ]);
    const events = await env.http.get(`/v1/transactions/${tx.id}/events`).set(buyer.auth);
    expect(events.body.items).toEqual([expect.objectContaining({ type: 'pickup_verified', actor: 'seller' })]);
  });

  it('refuses a used, an expired, a garbage and another transaction’s code with 422 invalid_pickup_token', async () => {
    const tx = await funded();
    const token = await tokenFor(tx.id);
    expect((await verify(seller, tx.id, token)).status).toBe(200);
    expectProblem(await verify(seller, tx.id, token), 422, 'invalid_pickup_token');

    const expiring = await funded();
    const stale = await tokenFor(expiring.id);
    await env.deps.db
      .updateTable('pickupTokens')
      .set({ expiresAt: sql<Date>`now() - interval '1 second'` })
      .where('tokenHash', '=', sha256(stale))
      .execute();
    expectProblem(await verify(seller, expiring.id, stale), 422, 'invalid_pickup_token');
    expectProblem(await verify(seller, expiring.id, 'not-a-real-code'), 422, 'invalid_pickup_token');

    // Same seller, two funded transactions: A's code does not open B.
    const a = await funded();
    const b = await funded();
    const codeOfA = await tokenFor(a.id);
    await tokenFor(b.id);
    const res = await verify(seller, b.id, codeOfA);
    expectProblem(res, 422, 'invalid_pickup_token');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'token' })]);
    // A's code is still good for A: the failed attempt consumed nothing.
    expect((await verify(seller, a.id, codeOfA)).status).toBe(200);
    expect(await outboxJobs(env.deps, 'escrow.release', b.id)).toHaveLength(0);
  });

  it('is for the seller of THAT transaction: buyer 403, another seller 404, staff 403, anonymous 401', async () => {
    const tx = await funded();
    const token = await tokenFor(tx.id);
    const otherSeller = await createUser(env.deps);
    await createTransaction(env.deps, { buyerId: buyer.id, sellerId: otherSeller.id });
    expectProblem(await verify(buyer, tx.id, token), 403, 'not_seller');
    expectProblem(await verify(otherSeller, tx.id, token), 404, 'not_found');
    expectProblem(await verify(stranger, tx.id, token), 404, 'not_found');
    expectProblem(await verify(support, tx.id, token), 403, 'not_seller');
    expectProblem(await env.http.post(`/v1/transactions/${tx.id}/verify`).send({ token }), 401);
    // None of them burned the code.
    expect((await verify(seller, tx.id, token)).status).toBe(200);
  });

  it('answers 409 for an unfunded transaction and while a dispute is open (the code stays unused)', async () => {
    const pending = await funded({ status: 'pending_payment' });
    expectProblem(await verify(seller, pending.id, 'anything'), 409, 'transaction_not_in_escrow');

    const tx = await funded();
    const token = await tokenFor(tx.id);
    // A dispute opened after the code was shown freezes the handover.
    await env.deps.db.transaction().execute(async (trx) => {
      const locked = await trx.selectFrom('transactions').selectAll().where('id', '=', tx.id).forUpdate().executeTakeFirstOrThrow();
      await openDispute(trx, locked, { source: 'party', openedBy: buyer.id, reason: 'damaged', details: 'Cracked screen.' });
    });
    expectProblem(await verify(seller, tx.id, token), 409, 'dispute_open');
    const row = await env.deps.db
      .selectFrom('pickupTokens')
      .select('usedAt')
      .where('tokenHash', '=', sha256(token))
      .executeTakeFirstOrThrow();
    expect(row.usedAt).toBeNull();
    expect(await outboxJobs(env.deps, 'escrow.release', tx.id)).toHaveLength(0);
  });

  it('refuses a missing token as malformed (400)', async () => {
    const tx = await funded();
    expectProblem(await env.http.post(`/v1/transactions/${tx.id}/verify`).set(seller.auth).send({}), 400, 'validation_failed');
  });

  it('two concurrent scans of a valid code: exactly one success (the other 422) and one release job', async () => {
    for (let round = 0; round < 3; round++) {
      const tx = await funded();
      const token = await tokenFor(tx.id);
      const answers = await Promise.all(Array.from({ length: 4 }, () => verify(seller, tx.id, token)));
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 422, 422, 422]);
      for (const r of answers.filter((a) => a.status === 422)) expect(r.body.code).toBe('invalid_pickup_token');
      expect(await outboxJobs(env.deps, 'escrow.release', tx.id)).toHaveLength(1);
      const timeline = await env.deps.db.selectFrom('transactionEvents').select('type').where('transactionId', '=', tx.id).execute();
      expect(timeline.filter((e) => e.type === 'pickup_verified')).toHaveLength(1);
    }
  });

  it('replays a retried scan with the same Idempotency-Key instead of refusing it', async () => {
    const tx = await funded();
    const token = await tokenFor(tx.id);
    const send = () =>
      env.http.post(`/v1/transactions/${tx.id}/verify`).set(seller.auth).set('Idempotency-Key', `scan-${tx.id}`).send({ token });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await outboxJobs(env.deps, 'escrow.release', tx.id)).toHaveLength(1);
  });
});
