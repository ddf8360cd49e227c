import { randomUUID } from 'node:crypto';
import { useDyingApi } from '../support/dying-api';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { createDraft, draftBody, fieldsOf, listingEnv, whileDraftsRefused } from './support';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv(listingEnv());
});
afterAll(() => env.close());

describe('GET /v1/categories', () => {
  it('lists active categories in display order, publicly', async () => {
    await env.deps.db.updateTable('categories').set({ active: false }).where('slug', '=', 'toys').execute();
    const res = await env.http.get('/v1/categories');
    expect(res.status).toBe(200);
    const slugs = res.body.items.map((c: { slug: string }) => c.slug);
    expect(slugs.slice(0, 3)).toEqual(['electronics', 'phones', 'computers']);
    expect(slugs.at(-1)).toBe('other');
    expect(slugs).not.toContain('toys');
    expect(res.body.items[0]).toEqual({ slug: 'electronics', name: 'Electronics', parentSlug: null, sortOrder: 10 });
  });
});

describe('POST /v1/listings', () => {
  it('creates a draft with the SPEC Listing shape', async () => {
    const seller = await createUser(env.deps);
    const res = await env.http.post('/v1/listings').set(seller.auth).send(draftBody());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      sellerId: seller.id,
      status: 'draft',
      category: 'bikes',
      auctionType: 'both',
      startingPriceCents: 5000,
      reservePriceCents: 8000,
      buyNowPriceCents: 15000,
      currentPriceCents: 5000,
      minNextBidCents: 5000,
      bidCount: 0,
      leaderAlias: null,
      images: [],
      watchCount: 0,
      isWatching: false,
      buyNowAvailable: false,
      startsAt: null,
      location: { lat: 45.5019, lng: -73.5674, name: 'Plateau, Montréal' },
    });
  });

  it('replays a create retried with the same Idempotency-Key (offline clients)', async () => {
    const seller = await createUser(env.deps);
    const send = (body: Record<string, unknown>) => env.http.post('/v1/listings').set(seller.auth).set('Idempotency-Key', 'create-1').send(body);
    const body = draftBody();
    const first = await send(body);
    const again = await send(body);
    expect([first.status, again.status, again.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
    expect(again.body.id).toBe(first.body.id);
    expect((await send(draftBody({ title: 'Something else' }))).status).toBe(422);
    const count = await env.deps.db.selectFrom('listings').select('id').where('sellerId', '=', seller.id).execute();
    expect(count).toHaveLength(1);
  });

  it('gives a fixed-price listing its buy-now price as its only price', async () => {
    const seller = await createUser(env.deps);
    const body = await createDraft(env, seller, { auctionType: 'fixed', startingPriceCents: undefined, reservePriceCents: null, buyNowPriceCents: 2500 });
    expect(body).toMatchObject({ auctionType: 'fixed', startingPriceCents: 2500, currentPriceCents: 2500, buyNowPriceCents: 2500 });
  });

  it.each([
    ['starting price below the minimum', { startingPriceCents: 499, reservePriceCents: null, buyNowPriceCents: 1000 }, ['startingPriceCents']],
    ['reserve not above the starting price', { reservePriceCents: 5000 }, ['reservePriceCents']],
    ['buy-now below the reserve', { buyNowPriceCents: 7999 }, ['buyNowPriceCents']],
    ['buy-now not above the start without reserve', { reservePriceCents: null, buyNowPriceCents: 5000 }, ['buyNowPriceCents']],
    ['fixed without buy-now', { auctionType: 'fixed', reservePriceCents: null, buyNowPriceCents: null }, ['buyNowPriceCents']],
    ['fixed with a reserve', { auctionType: 'fixed', startingPriceCents: undefined, buyNowPriceCents: 9000 }, ['reservePriceCents']],
    ['auction with a buy-now', { auctionType: 'auction', reservePriceCents: null }, ['buyNowPriceCents']],
    ['both without buy-now', { buyNowPriceCents: null }, ['buyNowPriceCents']],
    ['auction without a starting price', { startingPriceCents: undefined }, ['startingPriceCents']],
    ['unknown category', { category: 'spaceships' }, ['category']],
    ['an auction shorter than the minimum', { endsAt: new Date(Date.now() + 60_000).toISOString() }, ['endsAt']],
    ['an end before the start', { startsAt: new Date(Date.now() + 5 * 3600_000).toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() }, ['endsAt']],
  ])('refuses %s with 422 naming the field', async (_name, overrides, fields) => {
    const seller = await createUser(env.deps);
    const res = await env.http.post('/v1/listings').set(seller.auth).send(draftBody(overrides));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('listing_rules_violated');
    expect(fieldsOf(res.body)).toEqual(fields);
  });

  it.each([
    ['a short title', { title: 'ab' }, 'title'],
    ['an unknown condition', { condition: 'broken' }, 'condition'],
    ['a fractional price', { startingPriceCents: 10.5 }, 'startingPriceCents'],
    ['a price as a string', { buyNowPriceCents: '15000' }, 'buyNowPriceCents'],
    ['a malformed date', { endsAt: 'next tuesday' }, 'endsAt'],
    ['a latitude off the globe', { location: { lat: 91, lng: 0, name: 'x' } }, 'location.lat'],
    ['an unknown field', { colour: 'red' }, 'colour'],
  ])('refuses %s with 400 naming the field', async (_name, overrides, field) => {
    const seller = await createUser(env.deps);
    const res = await env.http.post('/v1/listings').set(seller.auth).send(draftBody(overrides));
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toContain(field);
  });

  it('refuses anonymous, unverified and suspended sellers', async () => {
    expect((await env.http.post('/v1/listings').send(draftBody())).status).toBe(401);
    const unverified = await createUser(env.deps);
    await env.deps.db.updateTable('users').set({ phoneVerifiedAt: null }).where('id', '=', unverified.id).execute();
    const r1 = await env.http.post('/v1/listings').set(unverified.auth).send(draftBody());
    expect([r1.status, r1.body.code]).toEqual([403, 'phone_not_verified']);
    const suspended = await createUser(env.deps);
    await env.deps.db.updateTable('users').set({ suspendedAt: new Date() }).where('id', '=', suspended.id).execute();
    const r2 = await env.http.post('/v1/listings').set(suspended.auth).send(draftBody());
    expect([r2.status, r2.body.code]).toEqual([403, 'account_suspended']);
  });
});

describe('new-account listing limit (RATE_LIMIT_NEW_ACCOUNT_LISTINGS_PER_HOUR=2)', () => {
  let limited: TestEnv;
  beforeAll(async () => {
    limited = await createTestEnv(listingEnv({ RATE_LIMIT_NEW_ACCOUNT_LISTINGS_PER_HOUR: '2' }));
  });
  afterAll(() => limited.close());

  it('lets a new account create two listings an hour, then answers 429 with Retry-After', async () => {
    const seller = await createUser(limited.deps);
    for (let i = 0; i < 2; i += 1) expect((await limited.http.post('/v1/listings').set(seller.auth).send(draftBody())).status).toBe(201);
    const third = await limited.http.post('/v1/listings').set(seller.auth).send(draftBody());
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(third.headers['retry-after'])).toBeLessThanOrEqual(3600);
  });

  it('does not spend the budget on refused creations', async () => {
    const seller = await createUser(limited.deps);
    for (let i = 0; i < 3; i += 1) expect((await limited.http.post('/v1/listings').set(seller.auth).send(draftBody({ category: 'nope' }))).status).toBe(422);
    expect((await limited.http.post('/v1/listings').set(seller.auth).send(draftBody())).status).toBe(201);
  });

  it('gives the budget back when the draft cannot be stored: a server error costs no listing', async () => {
    const seller = await createUser(limited.deps);
    await whileDraftsRefused(limited, seller.id, async () => {
      for (let i = 0; i < 3; i += 1) expect((await limited.http.post('/v1/listings').set(seller.auth).send(draftBody())).status).toBe(500);
    });
    for (let i = 0; i < 2; i += 1) expect((await limited.http.post('/v1/listings').set(seller.auth).send(draftBody())).status).toBe(201);
    expect((await limited.http.post('/v1/listings').set(seller.auth).send(draftBody())).status).toBe(429);
  });

  it('does not limit accounts older than 7 days', async () => {
    const seller = await createUser(limited.deps);
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600_000);
    await limited.deps.db.updateTable('users').set({ createdAt: eightDaysAgo } as never).where('id', '=', seller.id).execute();
    for (let i = 0; i < 4; i += 1) expect((await limited.http.post('/v1/listings').set(seller.auth).send(draftBody())).status).toBe(201);
  });
});

describe('POST /v1/listings with an Idempotency-Key, new account (RATE_LIMIT_NEW_ACCOUNT_LISTINGS_PER_HOUR=2)', () => {
  let limited: TestEnv;
  beforeAll(async () => {
    limited = await createTestEnv(listingEnv({ RATE_LIMIT_NEW_ACCOUNT_LISTINGS_PER_HOUR: '2' }));
  });
  afterAll(() => limited.close());
  // A second api on the same database whose requests die past their commit (test/support/dying-api.ts).
  const dyingApi = useDyingApi(() => limited);

  const createWithKey = (seller: TestUser, key: string, body = draftBody(), api = limited.http) =>
    api.post('/v1/listings').set(seller.auth).set('Idempotency-Key', key).send(body);
  const draftsOf = (sellerId: string) => limited.deps.db.selectFrom('listings').select('id').where('sellerId', '=', sellerId).execute();

  it('a retry after the first request died past its commit gets the same 201 draft; one draft, one listing of the budget spent', async () => {
    const seller = await createUser(limited.deps);
    const key = randomUUID();
    const body = draftBody();
    await dyingApi.dieAfterWork(key, (api) => createWithKey(seller, key, body, api));
    const [draft] = await draftsOf(seller.id);
    // The client retries under the same key once the dead request's lease (IDEMPOTENCY_LEASE_MS) is over.
    const retry = await createWithKey(seller, key, body);
    expect(retry.status).toBe(201);
    expect((await draftsOf(seller.id)).map((d) => d.id)).toEqual([draft.id]);
    // The very body a create answers: the listing as its seller sees it.
    const { nearbySafeZones: _zones, ...shown } = (await limited.http.get(`/v1/listings/${draft.id}`).set(seller.auth)).body;
    expect(retry.body).toEqual(shown);
    // The budget of 2 was spent once: one more create fits.
    expect((await createWithKey(seller, randomUUID())).status).toBe(201);
  });

  it('a replay answers the stored 201 (the listing as its seller sees it) without creating again', async () => {
    const seller = await createUser(limited.deps);
    const key = randomUUID();
    const body = draftBody();
    const first = await createWithKey(seller, key, body);
    const replay = await createWithKey(seller, key, body);
    expect([first.status, replay.status, replay.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
    expect(replay.body).toEqual(first.body);
    const { nearbySafeZones: _zones, ...shown } = (await limited.http.get(`/v1/listings/${first.body.id}`).set(seller.auth)).body;
    expect(first.body).toEqual(shown);
    expect(await draftsOf(seller.id)).toHaveLength(1);
  });
});
