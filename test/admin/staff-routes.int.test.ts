import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { startRealtime } from '../../realtime/io';
import { grantRole } from '../../src/modules/admin';
import { closeAllClients, openClient } from '../realtime/realtime-support';
import { createActiveListing } from '../support/fixtures';
import { createTestEnv, createUser, newPhone, type TestEnv, type TestUser } from '../support/harness';
import { expectProblem, lastCodeFor } from '../support/http';
import { waitForLockWaiter } from '../support/lock-waiter';
import { createTransaction } from '../escrow-handover/support';

let env: TestEnv;
let admin: TestUser;
let support: TestUser;
let user: TestUser;
let seller: TestUser;
let bidder: TestUser;
let watcher: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  [admin, support, user, seller, bidder, watcher] = await Promise.all([
    createUser(env.deps, { role: 'admin', displayName: 'Ada Admin' }),
    createUser(env.deps, { role: 'support', displayName: 'Sam Support' }),
    createUser(env.deps, { displayName: 'Quentin Plain' }),
    createUser(env.deps, { displayName: 'Selma Seller' }),
    createUser(env.deps, { displayName: 'Bea Bidder' }),
    createUser(env.deps, { displayName: 'Walt Watcher' }),
  ]);
});
afterAll(() => env.close());

const audit = (action: string, targetId?: string) => {
  let q = env.deps.db.selectFrom('auditLog').selectAll().where('action', '=', action);
  if (targetId) q = q.where('targetId', '=', targetId);
  return q.orderBy('id').execute();
};

const outboxJobs = async (type: string, key: string, value: string) => {
  const rows = await env.deps.db.selectFrom('outbox').select('payload').where('topic', '=', 'job').orderBy('id').execute();
  return rows
    .map((r) => r.payload as unknown as { name: string; data: { type: string; userId: string; data: Record<string, unknown> } })
    .filter((p) => p.name === 'notification.send' && p.data.type === type && p.data.data[key] === value)
    .map((p) => p.data.userId);
};

describe('GET /v1/admin/users?q=', () => {
  it('finds by phone prefix (with or without +) and by part of the name, audited', async () => {
    const byPhone = await env.http
      .get('/v1/admin/users')
      .query({ q: watcher.phone.slice(0, -2) })
      .set(support.auth);
    expect(byPhone.status).toBe(200);
    expect(byPhone.body.items.map((u: { id: string }) => u.id)).toContain(watcher.id);
    const digits = await env.http
      .get('/v1/admin/users')
      .query({ q: watcher.phone.slice(1) })
      .set(support.auth);
    expect(digits.body.items.map((u: { id: string }) => u.id)).toEqual([watcher.id]);
    const byName = await env.http.get('/v1/admin/users').query({ q: 'walt' }).set(support.auth);
    expect(byName.body.items).toEqual([
      expect.objectContaining({ id: watcher.id, displayName: 'Walt Watcher', phoneNumber: watcher.phone, suspended: false }),
    ]);
    expect((await audit('users.searched')).map((r) => (r.details as { q: string }).q)).toEqual(
      expect.arrayContaining([watcher.phone.slice(0, -2), 'walt']),
    );
  });

  it('pages with a cursor, newest accounts first, and refuses a forged cursor (400, field cursor)', async () => {
    const first = await env.http.get('/v1/admin/users').query({ limit: 2 }).set(support.auth);
    expect(first.body.items).toHaveLength(2);
    const second = await env.http.get('/v1/admin/users').query({ limit: 2, cursor: first.body.nextCursor }).set(support.auth);
    expect(second.body.items).toHaveLength(2);
    const ids = [...first.body.items, ...second.body.items].map((u: { id: string }) => u.id);
    expect(new Set(ids).size).toBe(4);
    const bad = await env.http.get('/v1/admin/users').query({ cursor: 'nope' }).set(support.auth);
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('pages one at a time through accounts created by one statement (same created_at, to the microsecond) without skipping any', async () => {
    const phones = [0, 1, 2].map(() => newPhone());
    await env.deps.db
      .insertInto('users')
      .values(phones.map((phoneNumber, i) => ({ phoneNumber, displayName: `Twin Batchmate ${i}` })))
      .execute();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const res = await env.http
        .get('/v1/admin/users')
        .query({ q: 'twin batchmate', limit: 1, ...(cursor ? { cursor } : {}) })
        .set(support.auth);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((u: { phoneNumber: string }) => u.phoneNumber));
      cursor = res.body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(seen.sort()).toEqual([...phones].sort());
  });

  it('is staff only (anonymous 401, user 403)', async () => {
    expectProblem(await env.http.get('/v1/admin/users'), 401);
    expectProblem(await env.http.get('/v1/admin/users').set(user.auth), 403, 'staff_only');
  });
});

describe('suspend and unsuspend', () => {
  it('suspends with a reason and lifts it with POST …/unsuspend, both audited with the reason', async () => {
    const target = await createUser(env.deps);
    const s = await env.http.post(`/v1/admin/users/${target.id}/suspend`).set(admin.auth).send({ reason: 'Shill bidding' });
    expect(s.status).toBe(200);
    expect(s.body.suspension).toMatchObject({ reason: 'Shill bidding', by: admin.id });
    const u = await env.http.post(`/v1/admin/users/${target.id}/unsuspend`).set(admin.auth).send({ reason: 'Appeal upheld' });
    expect(u.status).toBe(200);
    expect(u.body.suspension).toBeNull();
    const [row] = await audit('user.unsuspended', target.id);
    expect(row).toMatchObject({ actorId: admin.id, details: { reason: 'Appeal upheld' } });
    expectProblem(
      await env.http.post(`/v1/admin/users/${target.id}/suspend`).set(support.auth).send({ reason: 'No rights' }),
      403,
      'missing_permission',
    );
  });

  it('takes staff powers from a suspended support member at once, and gives them back after the unsuspend', async () => {
    const agent = await createUser(env.deps, { role: 'support' });
    expect((await env.http.get('/v1/admin/disputes').set(agent.auth)).status).toBe(200);
    expect(
      (await env.http.post(`/v1/admin/users/${agent.id}/suspend`).set(admin.auth).send({ reason: 'Leaked a buyer address' })).status,
    ).toBe(200);
    // The session that carried the support role is over, refresh included.
    expectProblem(await env.http.get('/v1/admin/disputes').set(agent.auth), 401, 'session_revoked');
    expectProblem(await env.http.post('/v1/auth/refresh').send({ refreshToken: agent.refreshToken }), 401);
    // Signing in again gives a session that acts as a plain user while the suspension lasts.
    expect((await env.http.post('/v1/auth/phone/send-code').send({ phoneNumber: agent.phone })).status).toBe(202);
    const signedIn = await env.http
      .post('/v1/auth/phone/verify')
      .send({ phoneNumber: agent.phone, code: lastCodeFor(env.sms, agent.phone)! });
    expect(signedIn.status).toBe(200);
    expectProblem(await env.http.get('/v1/admin/disputes').set('Authorization', `Bearer ${signedIn.body.accessToken}`), 403, 'staff_only');

    expect((await env.http.post(`/v1/admin/users/${agent.id}/unsuspend`).set(admin.auth).send({ reason: 'Cleared' })).status).toBe(200);
    const refreshed = await env.http.post('/v1/auth/refresh').send({ refreshToken: signedIn.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await env.http.get('/v1/admin/disputes').set('Authorization', `Bearer ${refreshed.body.accessToken}`)).status).toBe(200);
    // A plain user's suspension leaves their sessions alone: their open sales go on.
    const plain = await createUser(env.deps);
    expect((await env.http.post(`/v1/admin/users/${plain.id}/suspend`).set(admin.auth).send({ reason: 'Shill bidding' })).status).toBe(200);
    expect((await env.http.get('/v1/users/me').set(plain.auth)).status).toBe(200);
  });

  it('shows the profile with latest listings and transactions', async () => {
    const listing = await createActiveListing(env.deps, seller.id, { title: 'Profile bike' });
    const res = await env.http.get(`/v1/admin/users/${seller.id}`).set(support.auth);
    expect(res.status).toBe(200);
    expect(res.body.recentListings).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: listing.id, title: 'Profile bike', status: 'active' })]),
    );
  });
});

describe('POST /v1/admin/listings/:id/cancel', () => {
  it('takes down a listing with bids under its lock: cancelled, event to the room, seller, bidders and watchers told, audited', async () => {
    const listing = await createActiveListing(env.deps, seller.id, { title: 'Counterfeit watch' });
    await env.deps.db
      .insertInto('listingBidders')
      .values({ listingId: listing.id, bidderId: bidder.id, alias: 'b***1', lastBidAt: new Date() })
      .execute();
    await env.deps.db.updateTable('listings').set({ bidCount: 1 }).where('id', '=', listing.id).execute();
    expect((await env.http.post(`/v1/listings/${listing.id}/watch`).set(watcher.auth)).status).toBeLessThan(300);

    const res = await env.http.post(`/v1/admin/listings/${listing.id}/cancel`).set(support.auth).send({ reason: 'Counterfeit goods' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      listingId: listing.id,
      title: 'Counterfeit watch',
      status: 'cancelled',
      previousStatus: 'active',
      notified: { bidders: 1, watchers: 1 },
    });
    const row = await env.deps.db
      .selectFrom('listings')
      .select(['status', 'cancelledAt'])
      .where('id', '=', listing.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('cancelled');
    expect(row.cancelledAt).not.toBeNull();
    const events = await env.deps.db.selectFrom('listingEvents').selectAll().where('listingId', '=', listing.id).execute();
    expect(events).toEqual([
      expect.objectContaining({ type: 'auction_ended', payload: expect.objectContaining({ outcome: 'cancelled' }) }),
    ]);
    expect((await outboxJobs('listing_cancelled', 'listingId', listing.id)).sort()).toEqual([seller.id, bidder.id, watcher.id].sort());
    const [entry] = await audit('listing.taken_down', listing.id);
    expect(entry).toMatchObject({
      actorId: support.id,
      details: { reason: 'Counterfeit goods', previousStatus: 'active', bidders: 1, watchers: 1 },
    });

    expectProblem(
      await env.http.post(`/v1/admin/listings/${listing.id}/cancel`).set(support.auth).send({ reason: 'again' }),
      409,
      'listing_already_cancelled',
    );
  });

  it('keeps a taken-down draft as unseen as a draft: 404 to others (listing, events, bids), shown to its seller and staff, never browsed', async () => {
    // A draft with its schedule already chosen (startsAt set): never published all the same.
    const draft = await createActiveListing(env.deps, seller.id, { status: 'draft', title: 'Unpublished prototype' });
    const res = await env.http.post(`/v1/admin/listings/${draft.id}/cancel`).set(support.auth).send({ reason: 'Prohibited item' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', previousStatus: 'draft' });
    for (const path of [`/v1/listings/${draft.id}`, `/v1/listings/${draft.id}/events`, `/v1/listings/${draft.id}/bids`]) {
      expectProblem(await env.http.get(path), 404, 'not_found');
      expectProblem(await env.http.get(path).set(user.auth), 404, 'not_found');
    }
    expectProblem(await env.http.post(`/v1/listings/${draft.id}/watch`).set(user.auth), 404, 'not_found');
    expect((await env.http.get(`/v1/listings/${draft.id}`).set(seller.auth)).body).toMatchObject({ id: draft.id, status: 'cancelled' });
    expect((await env.http.get(`/v1/listings/${draft.id}`).set(support.auth)).status).toBe(200);
    const publicIds = async (query: Record<string, string>) =>
      ((await env.http.get('/v1/listings').query(query)).body.items ?? []).map((l: { id: string }) => l.id);
    expect(await publicIds({ q: 'prototype' })).not.toContain(draft.id);
    expect(await publicIds({ sellerId: seller.id, status: 'ended' })).not.toContain(draft.id);
    const mine = await env.http.get('/v1/listings').query({ mine: 'true', status: 'cancelled' }).set(seller.auth);
    expect(mine.body.items.map((l: { id: string }) => l.id)).toContain(draft.id);

    // A published listing taken down stays public, as any cancelled auction (its history was public).
    const published = await createActiveListing(env.deps, seller.id, { title: 'Published then pulled' });
    expect(
      (await env.http.post(`/v1/admin/listings/${published.id}/cancel`).set(support.auth).send({ reason: 'Prohibited item' })).status,
    ).toBe(200);
    expect((await env.http.get(`/v1/listings/${published.id}`)).body).toMatchObject({ id: published.id, status: 'cancelled' });
    expect((await env.http.get(`/v1/listings/${published.id}/events`)).status).toBe(200);
  });

  it('refuses an ended listing (409), a missing reason (400 naming reason) and a plain user (403)', async () => {
    const ended = await createActiveListing(env.deps, seller.id, { status: 'ended_sold' });
    expectProblem(
      await env.http.post(`/v1/admin/listings/${ended.id}/cancel`).set(admin.auth).send({ reason: 'Too late' }),
      409,
      'listing_ended',
    );
    const live = await createActiveListing(env.deps, seller.id);
    const noReason = await env.http.post(`/v1/admin/listings/${live.id}/cancel`).set(admin.auth).send({});
    expectProblem(noReason, 400);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    expectProblem(
      await env.http.post(`/v1/admin/listings/${live.id}/cancel`).set(user.auth).send({ reason: 'Not mine' }),
      403,
      'staff_only',
    );
  });
});

describe('/v1/admin/categories', () => {
  it('creates, edits and deactivates (admins only, audited); the public list follows', async () => {
    const created = await env.http.post('/v1/admin/categories').set(admin.auth).send({ slug: 'drones', name: 'Drones', sortOrder: 5 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slug: 'drones', name: 'Drones', parentSlug: null, active: true });
    const patched = await env.http.patch('/v1/admin/categories/drones').set(admin.auth).send({ name: 'Drones & RC' });
    expect(patched.body.name).toBe('Drones & RC');
    const publicList = async () => (await env.http.get('/v1/categories')).body.items.map((c: { slug: string }) => c.slug);
    expect(await publicList()).toContain('drones');
    expect((await env.http.delete('/v1/admin/categories/drones').set(admin.auth)).body.active).toBe(false);
    expect(await publicList()).not.toContain('drones');
    const all = await env.http.get('/v1/admin/categories').set(admin.auth);
    expect(all.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ slug: 'drones', active: false })]));
    expect((await audit('category.created', 'drones')).length).toBe(1);
    const updates = await audit('category.updated', 'drones');
    expect(updates.map((r) => (r.details as { after: { active: boolean } }).after.active)).toEqual([true, false]);
  });

  it('names the field on a taken slug (409 slug) or an unknown parent (422 parentSlug); support and users are refused', async () => {
    const dup = await env.http.post('/v1/admin/categories').set(admin.auth).send({ slug: 'bikes', name: 'Bikes again' });
    expectProblem(dup, 409, 'category_exists');
    expect(dup.body.errors).toEqual([expect.objectContaining({ field: 'slug' })]);
    const orphan = await env.http
      .post('/v1/admin/categories')
      .set(admin.auth)
      .send({ slug: 'ebikes', name: 'E-bikes', parentSlug: 'nowhere' });
    expectProblem(orphan, 422, 'invalid_parent_category');
    expect(orphan.body.errors).toEqual([expect.objectContaining({ field: 'parentSlug' })]);
    expectProblem(await env.http.get('/v1/admin/categories').set(support.auth), 403, 'staff_only');
    expectProblem(await env.http.post('/v1/admin/categories').set(user.auth).send({ slug: 'x-y', name: 'Nope' }), 403, 'staff_only');
  });
});

describe('/v1/admin/categories nesting', () => {
  it('refuses to move a category that has subcategories under another parent (422 parentSlug): one level of nesting', async () => {
    const add = (body: Record<string, unknown>) => env.http.post('/v1/admin/categories').set(admin.auth).send(body);
    expect((await add({ slug: 'nest-music', name: 'Music' })).status).toBe(201);
    expect((await add({ slug: 'nest-guitars', name: 'Guitars', parentSlug: 'nest-music' })).status).toBe(201);
    expect((await add({ slug: 'nest-hobbies', name: 'Hobbies' })).status).toBe(201);

    const moved = await env.http.patch('/v1/admin/categories/nest-music').set(admin.auth).send({ parentSlug: 'nest-hobbies' });
    expectProblem(moved, 422, 'invalid_parent_category');
    expect(moved.body.errors).toEqual([expect.objectContaining({ field: 'parentSlug' })]);
    const music = await env.deps.db
      .selectFrom('categories')
      .select('parentSlug')
      .where('slug', '=', 'nest-music')
      .executeTakeFirstOrThrow();
    expect(music.parentSlug).toBeNull();

    // A leaf still moves, and a parent keeps its other edits.
    expect((await env.http.patch('/v1/admin/categories/nest-guitars').set(admin.auth).send({ parentSlug: 'nest-hobbies' })).status).toBe(
      200,
    );
    expect(
      (await env.http.patch('/v1/admin/categories/nest-hobbies').set(admin.auth).send({ name: 'Hobbies & crafts', parentSlug: null }))
        .status,
    ).toBe(200);
  });
});

describe('staff in a disputed chat', () => {
  async function disputed() {
    const tx = await createTransaction(env.deps, { buyerId: bidder.id, sellerId: seller.id });
    const res = await env.http
      .post(`/v1/transactions/${tx.id}/dispute`)
      .set(bidder.auth)
      .send({ reason: 'item_not_as_described', details: 'Scratched lens.' });
    expect(res.status).toBe(201);
    return { tx, disputeId: res.body.id as string };
  }

  it('posts a staff message both parties are notified of, audited; the case shows it as staff', async () => {
    const { tx, disputeId } = await disputed();
    const res = await env.http
      .post(`/v1/admin/disputes/${disputeId}/messages`)
      .set(support.auth)
      .send({ content: 'Please send a photo of the lens.' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ transactionId: tx.id, senderId: support.id, type: 'text' });
    expect((await outboxJobs('new_message', 'messageId', res.body.id)).sort()).toEqual([bidder.id, seller.id].sort());
    expect(await audit('dispute.message_sent', disputeId)).toEqual([expect.objectContaining({ actorId: support.id })]);
    const kase = await env.http.get(`/v1/admin/disputes/${disputeId}`).set(support.auth);
    expect(kase.body.messages).toEqual(expect.arrayContaining([expect.objectContaining({ id: res.body.id, sender: 'staff' })]));
    expect(kase.body.parties.buyer).toMatchObject({ id: bidder.id, disputes: expect.any(Number), nonPaymentStrikes: 0 });
    expectProblem(await env.http.post(`/v1/admin/disputes/${disputeId}/messages`).set(user.auth).send({ content: 'hi' }), 403);
  });

  it("audits a staff read of the chat, not a party's", async () => {
    const { tx } = await disputed();
    expect((await env.http.get(`/v1/transactions/${tx.id}/messages`).set(bidder.auth)).status).toBe(200);
    expect(await audit('chat.viewed', tx.id)).toEqual([]);
    expect((await env.http.get(`/v1/transactions/${tx.id}/messages`).set(support.auth)).status).toBe(200);
    expect(await audit('chat.viewed', tx.id)).toEqual([expect.objectContaining({ actorId: support.id, targetType: 'transaction' })]);
  });

  it('refuses a staff message once the transaction is no longer disputed (409 not_disputed)', async () => {
    const { tx, disputeId } = await disputed();
    await env.deps.db.updateTable('transactions').set({ status: 'refunded' }).where('id', '=', tx.id).execute();
    expectProblem(
      await env.http.post(`/v1/admin/disputes/${disputeId}/messages`).set(support.auth).send({ content: 'Late' }),
      409,
      'not_disputed',
    );
  });

  it('refuses a staff message once the dispute is decided, while its money is still on the way (409 dispute_not_open)', async () => {
    const { tx, disputeId } = await disputed();
    const decided = await env.http
      .post(`/v1/admin/disputes/${disputeId}/resolve`)
      .set(admin.auth)
      .send({ resolution: 'release', note: 'As described.' });
    expect(decided.status).toBe(200);
    // The release job has not run: the transaction is still `disputed`, but the case is closed.
    expect((await env.deps.db.selectFrom('transactions').select('status').where('id', '=', tx.id).executeTakeFirstOrThrow()).status).toBe(
      'disputed',
    );
    expectProblem(
      await env.http.post(`/v1/admin/disputes/${disputeId}/messages`).set(support.auth).send({ content: 'After the decision' }),
      409,
      'dispute_not_open',
    );
    expect(await env.deps.db.selectFrom('messages').select('id').where('transactionId', '=', tx.id).execute()).toEqual([]);
    expect(await audit('dispute.message_sent', disputeId)).toEqual([]);
  });

  it('refuses a staff message from staff who are a party to the transaction (403), as it refuses their decision', async () => {
    const tx = await createTransaction(env.deps, { buyerId: support.id, sellerId: seller.id });
    const opened = await env.http
      .post(`/v1/transactions/${tx.id}/dispute`)
      .set(support.auth)
      .send({ reason: 'no_show', details: 'The seller never came.' });
    expect(opened.status).toBe(201);
    expectProblem(
      await env.http
        .post(`/v1/admin/disputes/${opened.body.id}/messages`)
        .set(support.auth)
        .send({ content: 'Biddt support here: please refund the buyer directly.' }),
      403,
      'party_cannot_act',
    );
    expect(await env.deps.db.selectFrom('messages').select('id').where('transactionId', '=', tx.id).execute()).toEqual([]);
    expect(await outboxJobs('new_message', 'transactionId', tx.id)).toEqual([]);
    // Another staff member may.
    expect(
      (await env.http.post(`/v1/admin/disputes/${opened.body.id}/messages`).set(admin.auth).send({ content: 'Looking into it.' })).status,
    ).toBe(201);
  });

  it('refuses a staff message that races a resolution committing first (409, nothing posted)', async () => {
    const { tx, disputeId } = await disputed();
    const resolution = new Client({ connectionString: env.databaseUrl });
    await resolution.connect();
    try {
      // The resolution in flight: the transaction locked as resolveDispute locks it, not committed yet.
      await resolution.query('BEGIN');
      await resolution.query('SELECT id FROM transactions WHERE id = $1 FOR UPDATE', [tx.id]);
      const message = env.http
        .post(`/v1/admin/disputes/${disputeId}/messages`)
        .set(support.auth)
        .send({ content: 'Racing the resolution' })
        .then((res) => res);
      await waitForLockWaiter(resolution);
      await resolution.query("UPDATE transactions SET status = 'refunded' WHERE id = $1", [tx.id]);
      await resolution.query('COMMIT');
      expectProblem(await message, 409, 'not_disputed');
    } finally {
      await resolution.end();
    }
    const posted = await env.deps.db
      .selectFrom('messages')
      .select('id')
      .where('transactionId', '=', tx.id)
      .where('content', '=', 'Racing the resolution')
      .execute();
    expect(posted).toEqual([]);
    expect(await audit('dispute.message_sent', disputeId)).toEqual([]);
  });
});

describe('/admin/queues (Bull Board)', () => {
  it('answers 401 anonymous, 403 support and users, and the board to an admin by bearer or cookie (audited)', async () => {
    expectProblem(await env.http.get('/admin/queues'), 401);
    expectProblem(await env.http.get('/admin/queues').set(support.auth), 403, 'missing_permission');
    expectProblem(await env.http.get('/admin/queues').set(user.auth), 403, 'missing_permission');
    const bearer = await env.http.get('/admin/queues').set(admin.auth);
    expect(bearer.status).toBe(200);
    expect(bearer.text).toContain('<html');
    const cookie = await env.http.get('/admin/queues/api/queues').set('Cookie', `biddt_staff_token=${admin.accessToken}`);
    expect(cookie.status).toBe(200);
    expect(cookie.body.queues.length).toBeGreaterThan(0);
    expect((await audit('queues.viewed')).length).toBeGreaterThanOrEqual(1);
  });

  it('is read-only even for an admin: pausing, adding, emptying or retrying a money queue is refused and changes nothing', async () => {
    const { escrow, bids } = env.deps.queues;
    const waitingBefore = await escrow.getJobCountByTypes('waiting', 'delayed', 'prioritized');
    const auditBefore = await env.deps.db.selectFrom('auditLog').select('id').where('actorId', '=', admin.id).execute();
    const base = '/admin/queues/api/queues';
    const attempts = [
      env.http.put(`${base}/escrow/pause`).set(admin.auth),
      env.http.put(`${base}/bids/pause`).set('Cookie', `biddt_staff_token=${admin.accessToken}`),
      env.http.put(`${base}/pause`).set(admin.auth),
      env.http
        .post(`${base}/escrow/add`)
        .set(admin.auth)
        .send({ name: 'escrow.release', data: { transactionId: 'x' } }),
      env.http.put(`${base}/escrow/empty`).set(admin.auth),
      env.http.put(`${base}/escrow/retry/failed`).set(admin.auth),
      env.http.put(`${base}/escrow/obliterate`).set(admin.auth),
    ];
    for (const res of await Promise.all(attempts)) expectProblem(res, 403, 'queues_read_only');
    expect(await escrow.isPaused()).toBe(false);
    expect(await bids.isPaused()).toBe(false);
    expect(await escrow.getJobCountByTypes('waiting', 'delayed', 'prioritized')).toBe(waitingBefore);
    // Nothing happened, so nothing new is audited.
    expect(await env.deps.db.selectFrom('auditLog').select('id').where('actorId', '=', admin.id).execute()).toEqual(auditBefore);
    // Reading still works, and the board itself knows it is read-only (no buttons to press).
    const list = await env.http.get(base).set(admin.auth);
    expect(list.status).toBe(200);
    expect(list.body.queues.length).toBeGreaterThan(0);
    expect(list.body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);
  });
});

describe('a role change ends every session of the user (roles travel in access tokens)', () => {
  it('a demoted admin’s token is refused at once and their staff socket is cut; a promoted user signs in again', async () => {
    const rt = await startRealtime(await env.sibling(), 0);
    try {
      const demoted = await createUser(env.deps, { role: 'admin' });
      expect((await env.http.get('/v1/admin/audit-log').set(demoted.auth)).status).toBe(200);
      const socket = await openClient(rt.port, demoted.accessToken);
      const disconnected = new Promise<string>((resolve) => socket.socket.once('disconnect', (reason) => resolve(reason)));

      await grantRole(env.deps, demoted.phone, 'user', 'ops-test');
      expectProblem(await env.http.get('/v1/admin/audit-log').set(demoted.auth), 401, 'session_revoked');
      expectProblem(await env.http.post('/v1/auth/refresh').send({ refreshToken: demoted.refreshToken }), 401);
      expect(await disconnected).toBe('io server disconnect');
      expect(socket.events('session_expired')).toEqual([{ error: expect.objectContaining({ status: 401, code: 'session_revoked' }) }]);

      // Up as well: the old token carries the old role, so it ends too.
      const promoted = await createUser(env.deps);
      await grantRole(env.deps, promoted.phone, 'support', 'ops-test');
      expectProblem(await env.http.get('/v1/users/me').set(promoted.auth), 401, 'session_revoked');
    } finally {
      closeAllClients();
      await rt.stop();
    }
  });
});

const run = promisify(execFile);

describe('npm run grant-role', () => {
  it('gives a registered user a role through DATABASE_URL and REDIS_URL, audited as an operator action, ending their sessions; refuses an unknown phone', async () => {
    const target = await createUser(env.deps);
    const cliEnv = {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.config.redisUrl,
      REDIS_PREFIX: env.config.redisPrefix,
      BIDDT_OPERATOR: 'ops-alice',
    };
    const out = await run('npx', ['tsx', 'scripts/grant-role.ts', target.phone, 'support'], { env: cliEnv });
    expect(out.stdout).toContain('user → support');
    expectProblem(await env.http.get('/v1/users/me').set(target.auth), 401, 'session_revoked');
    const row = await env.deps.db.selectFrom('users').select('role').where('id', '=', target.id).executeTakeFirstOrThrow();
    expect(row.role).toBe('support');
    expect(await audit('user.role_granted', target.id)).toEqual([
      expect.objectContaining({ actorId: null, details: { operator: 'ops-alice', from: 'user', to: 'support' } }),
    ]);
    await expect(run('npx', ['tsx', 'scripts/grant-role.ts', newPhone(), 'admin'], { env: cliEnv })).rejects.toMatchObject({ code: 1 });
    await expect(run('npx', ['tsx', 'scripts/grant-role.ts', target.phone, 'root'], { env: cliEnv })).rejects.toMatchObject({ code: 1 });
  }, 60_000);
});

describe('DEV_STAFF_PHONES', () => {
  it('makes a listed test phone staff when it signs in (audited); other phones stay users', async () => {
    const staffPhone = newPhone();
    const plainPhone = newPhone();
    const devEnv = await createTestEnv({
      DEV_STAFF_PHONES: `${staffPhone}:admin`,
      AUTH_TEST_PHONE_CODES: `${staffPhone}:123456,${plainPhone}:123456`,
    });
    try {
      const signIn = async (phoneNumber: string) => {
        await devEnv.http.post('/v1/auth/phone/send-code').send({ phoneNumber });
        return devEnv.http.post('/v1/auth/phone/verify').send({ phoneNumber, code: '123456' });
      };
      const staff = await signIn(staffPhone);
      expect(staff.body.user.role).toBe('admin');
      expect((await signIn(plainPhone)).body.user.role).toBe('user');
      const rows = await devEnv.deps.db.selectFrom('auditLog').selectAll().where('action', '=', 'user.role_granted').execute();
      expect(rows).toEqual([
        expect.objectContaining({ targetId: staff.body.user.id, details: { operator: 'DEV_STAFF_PHONES', from: 'user', to: 'admin' } }),
      ]);
    } finally {
      await devEnv.close();
    }
  });
});
