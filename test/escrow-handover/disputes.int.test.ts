import { randomUUID } from 'node:crypto';
import request, { type Response } from 'supertest';
import { openDispute, presentDispute } from '../../src/modules/disputes';
import { useDyingApi } from '../support/dying-api';
import { createActiveListing } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';
import { auditRows, createTransaction, outboxJobs, outboxNotifications } from './support';

let env: TestEnv;
let buyer: TestUser;
let seller: TestUser;
let stranger: TestUser;
let support: TestUser;
let admin: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  [buyer, seller, stranger, support, admin] = await Promise.all([
    createUser(env.deps),
    createUser(env.deps),
    createUser(env.deps),
    createUser(env.deps, { role: 'support' }),
    createUser(env.deps, { role: 'admin' }),
  ]);
});
afterAll(async () => {
  await env.close();
});

const funded = (
  over: { status?: 'in_escrow' | 'pending_payment' | 'released'; verified?: boolean; amountCents?: number; buyerId?: string } = {},
) => createTransaction(env.deps, { buyerId: buyer.id, sellerId: seller.id, ...over });
const openBy = (
  user: TestUser,
  txId: string,
  body: Record<string, unknown> = { reason: 'item_not_as_described', details: 'The frame is cracked.' },
) => env.http.post(`/v1/transactions/${txId}/dispute`).set(user.auth).send(body);
const resolve = (user: TestUser, disputeId: string, body: Record<string, unknown>, requestId?: string) => {
  const req = env.http.post(`/v1/admin/disputes/${disputeId}/resolve`).set(user.auth);
  if (requestId) req.set('X-Request-Id', requestId);
  return req.send(body);
};
async function disputed(over: Parameters<typeof funded>[0] = {}) {
  const tx = await funded(over);
  const res = await openBy(buyer, tx.id);
  expect(res.status).toBe(201);
  return { tx, disputeId: res.body.id as string };
}

describe('a party opens a dispute', () => {
  it('freezes the escrow: disputed, timeline, both parties notified, live pickup code voided', async () => {
    const tx = await funded();
    const code = await env.http.get(`/v1/transactions/${tx.id}/qr`).set(buyer.auth);
    const res = await openBy(buyer, tx.id);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      transactionId: tx.id,
      source: 'party',
      openedBy: buyer.id,
      reason: 'item_not_as_described',
      status: 'open',
      resolution: null,
    });

    const after = await env.http.get(`/v1/transactions/${tx.id}`).set(seller.auth);
    expect(after.body).toMatchObject({ status: 'disputed', dispute: { id: res.body.id, status: 'open' } });
    const timeline = await env.http.get(`/v1/transactions/${tx.id}/events`).set(seller.auth);
    expect(timeline.body.items).toEqual([expect.objectContaining({ type: 'dispute_opened', actor: 'buyer' })]);
    const notes = await outboxNotifications(env.deps, 'dispute_opened', tx.id);
    expect(notes.map((n) => n.userId).sort()).toEqual([buyer.id, seller.id].sort());
    expectProblem(
      await env.http.post(`/v1/transactions/${tx.id}/verify`).set(seller.auth).send({ token: code.body.token }),
      409,
      'dispute_open',
    );
    const token = await env.deps.db
      .selectFrom('pickupTokens')
      .select('voidedAt')
      .where('transactionId', '=', tx.id)
      .executeTakeFirstOrThrow();
    expect(token.voidedAt).toBeInstanceOf(Date);
  });

  it('the seller may open one too', async () => {
    const tx = await funded();
    expect((await openBy(seller, tx.id, { reason: 'no_show', details: 'Waited an hour at the safe zone.' })).body).toMatchObject({
      openedBy: seller.id,
      reason: 'no_show',
    });
  });

  it('refuses once verified, outside in_escrow, and a second one (409)', async () => {
    expectProblem(await openBy(buyer, (await funded({ verified: true })).id), 409, 'already_verified');
    expectProblem(await openBy(buyer, (await funded({ status: 'pending_payment' })).id), 409, 'transaction_not_in_escrow');
    expectProblem(await openBy(seller, (await funded({ status: 'released' })).id), 409, 'transaction_not_in_escrow');
    const { tx } = await disputed();
    expectProblem(await openBy(seller, tx.id), 409, 'dispute_already_open');
    expect(await env.deps.db.selectFrom('disputes').select('id').where('transactionId', '=', tx.id).execute()).toHaveLength(1);
  });

  it('after staff decided, while the money is being settled: 409 dispute_decided, not dispute_already_open', async () => {
    const { tx, disputeId } = await disputed();
    expect((await resolve(support, disputeId, { resolution: 'release', note: 'Item as described.' })).status).toBe(200);
    // The transaction stays `disputed` until the release job pays the seller (possibly days, waiting for a wallet).
    expect((await env.http.get(`/v1/transactions/${tx.id}`).set(buyer.auth)).body).toMatchObject({ status: 'disputed' });
    const again = await openBy(buyer, tx.id);
    expectProblem(again, 409, 'dispute_decided');
    expect(again.body.detail).toBe('The dispute was decided; the money is being settled.');
    expectProblem(await env.http.get(`/v1/transactions/${tx.id}/qr`).set(buyer.auth), 409, 'dispute_decided');
    expectProblem(await env.http.post(`/v1/transactions/${tx.id}/verify`).set(seller.auth).send({ token: 'x' }), 409, 'dispute_decided');
    expect(await env.deps.db.selectFrom('disputes').select('id').where('transactionId', '=', tx.id).execute()).toHaveLength(1);
  });

  it('validates the reason and the details', async () => {
    const tx = await funded();
    const bad = await openBy(buyer, tx.id, { reason: 'meh', details: 'x'.repeat(5001) });
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['details', 'reason']);
    expect((await openBy(buyer, tx.id, { reason: 'other', details: 'x'.repeat(5000) })).status).toBe(201);
  });

  it('is for the parties: stranger 404, staff 403, anonymous 401', async () => {
    const tx = await funded();
    expectProblem(await openBy(stranger, tx.id), 404, 'not_found');
    expectProblem(await openBy(support, tx.id), 403, 'not_a_party');
    expectProblem(await env.http.post(`/v1/transactions/${tx.id}/dispute`).send({ reason: 'other', details: 'x' }), 401);
  });
});

describe('staff resolve a dispute', () => {
  it('release: resolved, release job, both notified, timeline, audit row with the request id', async () => {
    const { tx, disputeId } = await disputed();
    const res = await resolve(support, disputeId, { resolution: 'release', note: 'Photos show the item as described.' }, 'req-release-1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: disputeId,
      status: 'resolved',
      resolution: 'release',
      refundCents: null,
      resolvedBy: support.id,
      resolutionNote: 'Photos show the item as described.',
    });
    expect(await outboxJobs(env.deps, 'escrow.release', tx.id)).toEqual([
      expect.objectContaining({ queue: 'escrow', data: { transactionId: tx.id, reason: 'dispute_resolved' } }),
    ]);
    expect(await outboxJobs(env.deps, 'escrow.refund', tx.id)).toHaveLength(0);
    const notes = await outboxNotifications(env.deps, 'dispute_resolved', tx.id);
    expect(notes.map((n) => n.userId).sort()).toEqual([buyer.id, seller.id].sort());
    const events = await env.deps.db.selectFrom('transactionEvents').selectAll().where('transactionId', '=', tx.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['dispute_opened', 'dispute_resolved']);
    expect(events[1]).toMatchObject({ actorId: support.id, data: expect.objectContaining({ resolution: 'release', disputeId }) });
    const audit = await auditRows(env.deps, 'dispute', disputeId);
    expect(audit).toEqual([
      expect.objectContaining({
        actorId: support.id,
        action: 'dispute.resolved',
        requestId: 'req-release-1',
        details: expect.objectContaining({ transactionId: tx.id, resolution: 'release' }),
      }),
    ]);
  });

  it('full refund: a refund job for the whole amount, tied to the dispute', async () => {
    const { tx, disputeId } = await disputed({ amountCents: 12_345 });
    const res = await resolve(admin, disputeId, { resolution: 'refund', note: 'Item never handed over.' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resolution: 'refund', refundCents: 12_345 });
    expect(await outboxJobs(env.deps, 'escrow.refund', tx.id)).toEqual([
      expect.objectContaining({ queue: 'escrow', data: { transactionId: tx.id, amountCents: 12_345, disputeId } }),
    ]);
    expect(await outboxJobs(env.deps, 'escrow.release', tx.id)).toHaveLength(0);
  });

  it('partial refund: 0 < x < amount with a seller payout of at least 0, else 422 naming amountCents', async () => {
    const { tx, disputeId } = await disputed({ amountCents: 10_000 });
    const partial = (amountCents?: number) =>
      resolve(support, disputeId, {
        resolution: 'partial_refund',
        note: 'Minor scratches.',
        ...(amountCents === undefined ? {} : { amountCents }),
      });
    // 9789 leaves 211: commission 13, escrow fee 199 → −1, the first negative payout.
    for (const amount of [undefined, 0, -100, 10_000, 15_000, 9_789]) {
      const res = await partial(amount);
      expectProblem(res, 422, 'invalid_partial_refund');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'amountCents' })]);
    }
    const withRelease = await resolve(support, disputeId, { resolution: 'release', amountCents: 100, note: 'x' });
    expectProblem(withRelease, 422, 'amount_not_allowed');
    expect(await outboxJobs(env.deps, 'escrow.refund', tx.id)).toHaveLength(0);

    // 9787 refunded leaves 213: commission 13, escrow fee 199 → the seller still gets 1 cent.
    const ok = await partial(9_787);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ resolution: 'partial_refund', refundCents: 9_787 });
    expect(await outboxJobs(env.deps, 'escrow.refund', tx.id)).toEqual([
      expect.objectContaining({ data: { transactionId: tx.id, amountCents: 9_787, disputeId } }),
    ]);
    expect(await auditRows(env.deps, 'dispute', disputeId)).toEqual([
      expect.objectContaining({ action: 'dispute.resolved', details: expect.objectContaining({ refundCents: 9_787 }) }),
    ]);
  });

  it('staff who are a party to the transaction may not decide it (403)', async () => {
    const tx = await createTransaction(env.deps, { buyerId: support.id, sellerId: seller.id });
    const opened = await openBy(support, tx.id);
    expect(opened.status).toBe(201);
    expectProblem(await resolve(support, opened.body.id, { resolution: 'refund', note: 'Refund myself.' }), 403, 'party_cannot_resolve');
    expect(await outboxJobs(env.deps, 'escrow.refund', tx.id)).toHaveLength(0);
    // Another staff member may.
    expect((await resolve(admin, opened.body.id, { resolution: 'release', note: 'Decided by a colleague.' })).status).toBe(200);
  });

  it('decides once: a second (or concurrent) resolution is 409 and moves no money twice', async () => {
    const { tx, disputeId } = await disputed();
    const [a, b] = await Promise.all([
      resolve(support, disputeId, { resolution: 'refund', note: 'one' }),
      resolve(admin, disputeId, { resolution: 'release', note: 'two' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a, b].find((r) => r.status === 409)!.body.code).toBe('dispute_not_open');
    const jobs = [...(await outboxJobs(env.deps, 'escrow.refund', tx.id)), ...(await outboxJobs(env.deps, 'escrow.release', tx.id))];
    expect(jobs).toHaveLength(1);
  });

  it('leaves chargebacks to the card issuer (409)', async () => {
    const tx = await funded();
    const dispute = await env.deps.db.transaction().execute(async (trx) => {
      const locked = await trx.selectFrom('transactions').selectAll().where('id', '=', tx.id).forUpdate().executeTakeFirstOrThrow();
      return openDispute(trx, locked, {
        source: 'chargeback',
        openedBy: null,
        reason: 'fraudulent',
        details: '',
        stripeDisputeId: `dp_${tx.id}`,
      });
    });
    expectProblem(await resolve(support, dispute.id, { resolution: 'refund', note: 'x' }), 409, 'chargeback_dispute');
  });

  it('is for staff: users 403, anonymous 401, unknown dispute 404', async () => {
    const { disputeId } = await disputed();
    for (const user of [buyer, seller, stranger])
      expectProblem(await resolve(user, disputeId, { resolution: 'refund', note: 'x' }), 403, 'staff_only');
    expectProblem(await env.http.post(`/v1/admin/disputes/${disputeId}/resolve`).send({ resolution: 'refund', note: 'x' }), 401);
    expectProblem(await resolve(support, '00000000-0000-4000-8000-000000000000', { resolution: 'refund', note: 'x' }), 404);
  });
});

describe('opening and resolving with an Idempotency-Key, after the first request died past its commit', () => {
  // A second api on the same database whose requests die past their commit (test/support/dying-api.ts).
  const dyingApi = useDyingApi(() => env);

  /** Sends once through the crashing api (which dies after the work), then retries once the lease is over. */
  async function crashThenRetry(send: (api: ReturnType<typeof request>) => Promise<Response>, key: string) {
    await dyingApi.dieAfterWork(key, send);
    // The client retries under the same key once the dead request's lease (IDEMPOTENCY_LEASE_MS) is over.
    return send(env.http);
  }
  const disputeRows = (txId: string) => env.deps.db.selectFrom('disputes').selectAll().where('transactionId', '=', txId).execute();

  it('a party opening a dispute gets the 201 open dispute on retry, not dispute_already_open, and there is one dispute', async () => {
    const tx = await funded();
    const key = randomUUID();
    const retry = await crashThenRetry(
      (api) =>
        api
          .post(`/v1/transactions/${tx.id}/dispute`)
          .set(buyer.auth)
          .set('Idempotency-Key', key)
          .send({ reason: 'item_not_as_described', details: 'The frame is cracked.' }),
      key,
    );
    expect(retry.status).toBe(201);
    const rows = await disputeRows(tx.id);
    expect(rows).toHaveLength(1);
    expect(retry.body).toEqual(JSON.parse(JSON.stringify(presentDispute(rows[0]))));
    expect(retry.body).toMatchObject({ transactionId: tx.id, openedBy: buyer.id, status: 'open' });
    expect(await outboxNotifications(env.deps, 'dispute_opened', tx.id)).toHaveLength(2);
  });

  it('staff resolving get the 200 resolved dispute on retry, not dispute_not_open, and the money moves once', async () => {
    const { tx, disputeId } = await disputed({ amountCents: 12_345 });
    const key = randomUUID();
    const retry = await crashThenRetry(
      (api) =>
        api
          .post(`/v1/admin/disputes/${disputeId}/resolve`)
          .set(support.auth)
          .set('Idempotency-Key', key)
          .send({ resolution: 'refund', note: 'Item never handed over.' }),
      key,
    );
    expect(retry.status).toBe(200);
    const [row] = await disputeRows(tx.id);
    expect(retry.body).toEqual(JSON.parse(JSON.stringify(presentDispute(row))));
    expect(retry.body).toMatchObject({ id: disputeId, status: 'resolved', resolution: 'refund', refundCents: 12_345 });
    expect(await outboxJobs(env.deps, 'escrow.refund', tx.id)).toHaveLength(1);
    expect(await auditRows(env.deps, 'dispute', disputeId)).toEqual([expect.objectContaining({ action: 'dispute.resolved' })]);
  });
});

describe('the staff console', () => {
  it('lists disputes by status, oldest first, with cursor pagination (audited)', async () => {
    const first = await disputed();
    const second = await disputed();
    const third = await disputed();
    await resolve(support, second.disputeId, { resolution: 'release', note: 'ok' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Response = await env.http
        .get('/v1/admin/disputes')
        .query({ status: 'open', limit: 2, ...(cursor ? { cursor } : {}) })
        .set(support.auth);
      expect(page.status).toBe(200);
      for (const item of page.body.items)
        expect(item).toMatchObject({ status: 'open', transaction: { amountCents: expect.any(Number), listingTitle: expect.any(String) } });
      seen.push(...page.body.items.map((i: { id: string }) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining([first.disputeId, third.disputeId]));
    expect(seen).not.toContain(second.disputeId);
    expect(seen.indexOf(first.disputeId)).toBeLessThan(seen.indexOf(third.disputeId));
    expect(new Set(seen).size).toBe(seen.length);
    const listed = await env.deps.db
      .selectFrom('auditLog')
      .selectAll()
      .where('action', '=', 'disputes.listed')
      .where('actorId', '=', support.id)
      .execute();
    expect(listed.length).toBeGreaterThanOrEqual(1);
  });

  it('shows a case with transaction, timeline, chat and evidence, and audits the view', async () => {
    const { tx, disputeId } = await disputed();
    await env.deps.db
      .insertInto('messages')
      .values([
        { transactionId: tx.id, senderId: buyer.id, type: 'text', content: 'The screen is cracked.' },
        { transactionId: tx.id, senderId: buyer.id, type: 'image', content: 'https://cdn.biddt.test/evidence/crack.jpg' },
        { transactionId: tx.id, senderId: seller.id, type: 'text', content: 'It was fine when I sold it.' },
      ])
      .execute();
    const res = await env.http.get(`/v1/admin/disputes/${disputeId}`).set(support.auth).set('X-Request-Id', 'req-view-1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dispute: { id: disputeId, status: 'open', details: 'The frame is cracked.' },
      transaction: { id: tx.id, status: 'disputed', amountCents: tx.amountCents },
      parties: { buyer: { id: buyer.id }, seller: { id: seller.id } },
      timeline: [expect.objectContaining({ type: 'dispute_opened', actor: 'buyer' })],
      evidence: {
        details: 'The frame is cracked.',
        openedBy: 'buyer',
        images: [expect.objectContaining({ url: 'https://cdn.biddt.test/evidence/crack.jpg', sender: 'buyer' })],
      },
    });
    expect(res.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'The screen is cracked.',
      'https://cdn.biddt.test/evidence/crack.jpg',
      'It was fine when I sold it.',
    ]);
    expect(await auditRows(env.deps, 'dispute', disputeId)).toEqual([
      expect.objectContaining({ action: 'dispute.viewed', actorId: support.id, requestId: 'req-view-1' }),
    ]);
    expectProblem(await env.http.get(`/v1/admin/disputes/${disputeId}`).set(buyer.auth), 403, 'staff_only');
  });

  it('suspends and reinstates users (admins only), audited with the reason', async () => {
    const target = await createUser(env.deps);
    expectProblem(
      await env.http.post(`/v1/admin/users/${target.id}/suspend`).set(support.auth).send({ reason: 'Repeated no-shows' }),
      403,
      'missing_permission',
    );
    expectProblem(
      await env.http.post(`/v1/admin/users/${target.id}/suspend`).set(buyer.auth).send({ reason: 'Repeated no-shows' }),
      403,
      'staff_only',
    );
    const res = await env.http.post(`/v1/admin/users/${target.id}/suspend`).set(admin.auth).send({ reason: 'Repeated no-shows' });
    expect(res.status).toBe(200);
    expect(res.body.suspension).toMatchObject({ reason: 'Repeated no-shows', by: admin.id, since: expect.any(String) });
    const row = await env.deps.db.selectFrom('users').select('suspendedAt').where('id', '=', target.id).executeTakeFirstOrThrow();
    expect(row.suspendedAt).toBeInstanceOf(Date);
    // A suspended account cannot bid (refused before the bid is queued).
    const listing = await createActiveListing(env.deps, seller.id);
    expectProblem(
      await env.http.post(`/v1/listings/${listing.id}/bids`).set(target.auth).send({ maxAmountCents: 1000 }),
      403,
      'bidder_not_allowed',
    );
    const viewed = await env.http.get(`/v1/admin/users/${target.id}`).set(support.auth);
    expect(viewed.status).toBe(200);
    expect(viewed.body).toMatchObject({ id: target.id, phoneNumber: target.phone, suspension: { reason: 'Repeated no-shows' } });
    expect((await env.http.delete(`/v1/admin/users/${target.id}/suspend`).set(admin.auth)).body.suspension).toBeNull();
    expect((await auditRows(env.deps, 'user', target.id)).map((a) => a.action)).toEqual([
      'user.suspended',
      'user.viewed',
      'user.unsuspended',
    ]);
    expectProblem(
      await env.http.post(`/v1/admin/users/${admin.id}/suspend`).set(admin.auth).send({ reason: 'oops' }),
      422,
      'cannot_suspend_self',
    );
    expectProblem(await env.http.get(`/v1/admin/users/${target.id}`).set(target.auth), 403, 'staff_only');
  });

  it('reads the audit log with filters, and exports it as CSV (itself audited)', async () => {
    const { disputeId } = await disputed();
    await resolve(admin, disputeId, { resolution: 'release', note: 'Looks "fine", =really' });
    const page = await env.http.get('/v1/admin/audit-log').query({ action: 'dispute.resolved', targetId: disputeId }).set(support.auth);
    expect(page.status).toBe(200);
    expect(page.body.items).toEqual([
      expect.objectContaining({ action: 'dispute.resolved', actorId: admin.id, targetType: 'dispute', targetId: disputeId }),
    ]);

    const csv = await env.http.get('/v1/admin/audit-log').query({ format: 'csv', targetId: disputeId }).set(admin.auth).buffer(true);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="biddt-audit-log-/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,created_at,actor_id,actor_name,action,target_type,target_id,request_id,details');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(',dispute.resolved,dispute,');
    expect(lines[1]).toContain('""note"":""Looks \\""fine\\"", =really""');
    const exported = await env.deps.db
      .selectFrom('auditLog')
      .selectAll()
      .where('action', '=', 'audit_log.exported')
      .where('actorId', '=', admin.id)
      .execute();
    expect(exported).toEqual([expect.objectContaining({ details: expect.objectContaining({ targetId: disputeId, rows: 1 }) })]);

    expectProblem(await env.http.get('/v1/admin/audit-log').set(buyer.auth), 403, 'staff_only');
    expectProblem(await env.http.get('/v1/admin/audit-log').query({ format: 'csv' }).set(buyer.auth), 403, 'staff_only');
    expectProblem(await env.http.get('/v1/admin/audit-log').query({ format: 'xml' }).set(support.auth), 400, 'validation_failed');
  });
});
