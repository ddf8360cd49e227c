/**
 * Per-user bid rate limit, public bid history (aliases, no foreign maxima), the caller's own bids,
 * and the stored listing events a reconnecting client catches up from.
 */
import { sql } from 'kysely';
import type { Response } from 'supertest';
import type { RunningWorkers } from '../../workers/workers';
import { createActiveListing, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { expectProblem, expectRateLimited } from '../support/http';

let env: TestEnv;
let workers: RunningWorkers;
let seller: TestUser;

beforeAll(async () => {
  env = await createTestEnv({ RATE_LIMIT_BIDS_PER_USER_PER_MIN: '10' });
  workers = await withWorkers(await env.sibling());
  seller = await createUser(env.deps, { displayName: 'Sam' });
});
afterAll(async () => {
  await workers?.stop();
  await env?.close();
});

const bid = (user: TestUser, listingId: string, maxAmountCents: number) =>
  env.http.post(`/v1/listings/${listingId}/bids`).set(user.auth).send({ maxAmountCents });
type MyBid = { listingId: string; maxAmountCents: number; state: string };
type Item = { id: string; alias: string; amountCents: number; maxAmountCents?: number; isAutoBid: boolean; listingId: string };

describe('bid rate limit (RATE_LIMIT_BIDS_PER_USER_PER_MIN=10)', () => {
  it('takes 10 bids a minute, refused ones included, and answers the 11th with 429 + Retry-After', async () => {
    const listing = await createActiveListing(env.deps, seller.id);
    const eager = await createUser(env.deps, { displayName: 'Eager' });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) statuses.push((await bid(eager, listing.id, i === 0 ? 1000 : 900)).status); // 1 accepted, 9 bid_not_higher
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    const eleventh = await bid(eager, listing.id, 5000);
    expectRateLimited(eleventh, 1, 60);
    // The limit is per user: someone else still bids.
    expect((await bid(await createUser(env.deps), listing.id, 2000)).status).toBe(201);
    expect(await env.deps.db.selectFrom('bidRequests').select('requestId').where('bidderId', '=', eager.id).execute()).toHaveLength(10);
  });
});

describe('bid history and your own bids', () => {
  it('shows aliases and amounts to everyone, maxima only to their bidder', async () => {
    const listing = await createActiveListing(env.deps, seller.id, { startingPriceCents: 500 });
    const [alice, bob, carol] = await Promise.all(['Alice', 'Bob', 'Carol'].map((displayName) => createUser(env.deps, { displayName })));
    expect((await bid(alice, listing.id, 1000)).status).toBe(201);
    expect((await bid(bob, listing.id, 800)).status).toBe(201); // Alice's proxy answers at 850
    expect((await bid(carol, listing.id, 2000)).status).toBe(201); // Alice's proxy fought to 1000; Carol at 1050

    const anon = await env.http.get(`/v1/listings/${listing.id}/bids`);
    expect(anon.status).toBe(200);
    const items: Item[] = anon.body.items;
    expect(items.map((i) => [i.alias, i.amountCents, i.isAutoBid])).toEqual([
      ['c***3', 1050, false],
      ['a***1', 1000, true],
      ['a***1', 850, true],
      ['b***2', 800, false],
      ['a***1', 500, false],
    ]);
    expect(items.filter((i) => 'maxAmountCents' in i)).toEqual([]);
    for (const [viewer, alias, max] of [
      [alice, 'a***1', 1000],
      [bob, 'b***2', 800],
      [carol, 'c***3', 2000],
    ] as const) {
      const seen: Item[] = (await env.http.get(`/v1/listings/${listing.id}/bids`).set(viewer.auth)).body.items;
      expect(seen.filter((i) => i.maxAmountCents !== undefined).map((i) => [i.alias, i.maxAmountCents])).toEqual(
        seen.filter((i) => i.alias === alias).map(() => [alias, max]),
      );
    }
    // Paging by cursor walks the same history.
    const page1 = await env.http.get(`/v1/listings/${listing.id}/bids?limit=2`);
    const page2 = await env.http.get(`/v1/listings/${listing.id}/bids?limit=2&cursor=${page1.body.nextCursor}`);
    const page3 = await env.http.get(`/v1/listings/${listing.id}/bids?limit=2&cursor=${page2.body.nextCursor}`);
    expect([...page1.body.items, ...page2.body.items, ...page3.body.items].map((i: Item) => i.id)).toEqual(items.map((i) => i.id));
    expect(page3.body.nextCursor).toBeNull();
  });

  it('GET /v1/bids/me lists only the caller’s listings, one row each with their maximum and standing, across pages', async () => {
    const [one, two] = await Promise.all([createActiveListing(env.deps, seller.id), createActiveListing(env.deps, seller.id)]);
    const [dana, erin] = await Promise.all(['Dana', 'Erin'].map((displayName) => createUser(env.deps, { displayName })));
    for (const [user, listingId, max] of [
      [dana, one.id, 1000],
      [erin, one.id, 3000],
      [dana, two.id, 700],
      [dana, one.id, 4000],
      [erin, two.id, 900],
    ] as const) {
      expect((await bid(user, listingId, max)).status).toBe(201);
    }
    const prices = await env.deps.db.selectFrom('listings').select(['id', 'currentPriceCents']).where('id', 'in', [one.id, two.id]).execute();
    const priceOf = (id: string) => prices.find((p) => p.id === id)!.currentPriceCents;
    const res = await env.http.get('/v1/bids/me').set(dana.auth);
    expect(res.status).toBe(200);
    // Newest own bid first: Dana's last command was on `one`.
    expect(res.body).toEqual({
      items: [
        { listingId: one.id, title: one.title, image: null, endsAt: one.endsAt!.toISOString(), currentPriceCents: priceOf(one.id), maxAmountCents: 4000, state: 'leading' },
        { listingId: two.id, title: two.title, image: null, endsAt: two.endsAt!.toISOString(), currentPriceCents: priceOf(two.id), maxAmountCents: 700, state: 'outbid' },
      ],
      nextCursor: null,
    });
    expect((await env.http.get('/v1/bids/me').set(erin.auth)).body.items.map((i: MyBid) => [i.listingId, i.maxAmountCents, i.state])).toEqual([
      [two.id, 900, 'leading'],
      [one.id, 3000, 'outbid'],
    ]);

    // Two commands decided in one batch share created_at; paging must still return each listing once.
    await sql`UPDATE bids SET created_at = '2026-01-01T00:00:00Z' WHERE bidder_id = ${dana.id}`.execute(env.deps.db);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Response = await env.http.get(`/v1/bids/me?limit=1${cursor ? `&cursor=${cursor}` : ''}`).set(dana.auth);
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(1);
      seen.push(...page.body.items.map((i: MyBid) => i.listingId));
      cursor = page.body.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual([one.id, two.id]);
    expect((await env.http.get('/v1/bids/me')).status).toBe(401);
  });
});

describe('history cursors', () => {
  it('an out-of-range cursor is a 400 naming the field, not a server error', async () => {
    const listing = await createActiveListing(env.deps, seller.id);
    const user = await createUser(env.deps);
    const huge = '9'.repeat(30);
    for (const res of [
      await env.http.get(`/v1/listings/${listing.id}/bids?cursor=${huge}`),
      await env.http.get(`/v1/bids/me?cursor=${huge}`).set(user.auth),
      await env.http.get(`/v1/listings/${listing.id}/events?after=${huge}`),
    ]) {
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: expect.stringMatching(/^(cursor|after)$/) })]);
    }
  });
});

describe('stored listing events', () => {
  it('GET /v1/listings/:id/events?after=N returns the events after N with consecutive seqs', async () => {
    const listing = await createActiveListing(env.deps, seller.id);
    const [a, b] = await Promise.all([createUser(env.deps), createUser(env.deps)]);
    for (const [user, max] of [
      [a, 1000],
      [b, 2000],
      [a, 3000],
      [b, 2500],
      [b, 5000],
    ] as const)
      await bid(user, listing.id, max);
    const all = await env.http.get(`/v1/listings/${listing.id}/events`);
    expect(all.status).toBe(200);
    const seqs: number[] = all.body.items.map((e: { seq: number }) => e.seq);
    expect(seqs.length).toBeGreaterThanOrEqual(4);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(
      all.body.items.every((e: { type: string; payload: { seq: number } }) => e.type === 'bid_placed' && typeof e.payload.seq === 'number'),
    ).toBe(true);

    const after2 = await env.http.get(`/v1/listings/${listing.id}/events?after=2`);
    expect(after2.body.items.map((e: { seq: number }) => e.seq)).toEqual(seqs.slice(2));
    const paged = await env.http.get(`/v1/listings/${listing.id}/events?after=1&limit=2`);
    expect(paged.body).toMatchObject({ items: [{ seq: 2 }, { seq: 3 }], nextAfter: 3 });
    expect((await env.http.get(`/v1/listings/${listing.id}/events?after=${seqs.length}`)).body.items).toEqual([]);
  });
});
