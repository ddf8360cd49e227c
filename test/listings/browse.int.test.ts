import type { ItemCondition, ListingStatus } from '../../db/schema';
import { distanceKm } from '../../src/modules/listings/geo';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { listingEnv } from './support';

const HOUR = 3600_000;
const CITIES = [
  { name: 'Montréal', lat: 45.5019, lng: -73.5674 },
  { name: 'Laval', lat: 45.6066, lng: -73.7124 }, // ≈ 16 km from Montréal
  { name: 'Longueuil', lat: 45.5312, lng: -73.5181 }, // ≈ 5 km
  { name: 'Ottawa', lat: 45.4215, lng: -75.6972 }, // ≈ 166 km
  { name: 'Québec', lat: 46.8139, lng: -71.208 }, // ≈ 233 km
  { name: 'Toronto', lat: 43.6532, lng: -79.3832 }, // ≈ 504 km
  null,
];
const TITLES = ['Road bike', 'Gaming laptop', 'Oak dining table', 'Acoustic guitar', 'Mountain bikes pair', 'Hockey skates', 'Motorbike helmet', 'Vinyl records'];
const CATEGORIES = ['bikes', 'computers', 'furniture', 'music', 'bikes', 'sports', 'auto-parts', 'music'];
const CONDITIONS: ItemCondition[] = ['new', 'like_new', 'good', 'fair', 'poor'];

interface Seeded {
  id: string;
  title: string;
  sellerId: string;
  category: string;
  condition: ItemCondition;
  status: ListingStatus;
  deleted: boolean;
  price: number;
  endsAt: number;
  createdAt: number;
  city: (typeof CITIES)[number];
}

let env: TestEnv;
let sellers: TestUser[];
let seeded: Seeded[];
const base = Date.parse('2026-12-01T12:00:00.000Z');

function statusOf(i: number): ListingStatus {
  // Length 9, coprime with the other cycles (8 titles, 5 conditions, 7 cities), so filters combine freely.
  const pattern: ListingStatus[] = ['active', 'active', 'scheduled', 'active', 'ended_sold', 'active', 'draft', 'active', 'ended_unsold'];
  return i === 13 ? 'cancelled' : pattern[i % pattern.length];
}

beforeAll(async () => {
  env = await createTestEnv(listingEnv());
  sellers = [await createUser(env.deps), await createUser(env.deps)];
  const rows = Array.from({ length: 40 }, (_, i) => {
    const city = CITIES[i % CITIES.length];
    const price = 500 + ((i * 7) % 13) * 250; // repeats every 13: ties on price
    return {
      sellerId: sellers[i % 2].id,
      title: `${TITLES[i % TITLES.length]} #${i}`,
      description: i % 5 === 0 ? 'Includes a spare bike lock.' : 'Works well.',
      categorySlug: CATEGORIES[i % CATEGORIES.length],
      condition: CONDITIONS[i % CONDITIONS.length],
      auctionType: 'auction' as const,
      startingPriceCents: price,
      currentPriceCents: price,
      status: statusOf(i),
      startsAt: new Date(base - 48 * HOUR),
      endsAt: new Date(base + Math.floor(i / 3) * HOUR), // triples end together: ties broken by id
      // Microsecond timestamps (JS Dates only hold ms) with ties, to prove the cursor is exact.
      createdAt: `${new Date(base - 100 * HOUR + Math.floor(i / 4) * HOUR).toISOString().slice(0, -1)}321Z`,
      locationLat: city?.lat ?? null,
      locationLng: city?.lng ?? null,
      locationName: city?.name ?? null,
      deletedAt: i === 21 ? new Date() : null,
    };
  });
  const inserted = await env.deps.db.insertInto('listings').values(rows).returning(['id', 'title']).execute();
  seeded = inserted.map((r, i) => ({
    id: r.id,
    title: r.title,
    sellerId: rows[i].sellerId,
    category: rows[i].categorySlug,
    condition: rows[i].condition,
    status: rows[i].status,
    deleted: rows[i].deletedAt !== null,
    price: rows[i].currentPriceCents,
    endsAt: rows[i].endsAt.getTime(),
    createdAt: Date.parse(rows[i].createdAt),
    city: CITIES[i % CITIES.length],
  }));
});
afterAll(() => env.close());

type Query = Record<string, string | number>;
type Sort = 'ending_soon' | 'newest' | 'price_asc' | 'price_desc' | 'distance';

/** Reference model: which seeded listings a query must return, in order. */
function expected(...args: Parameters<typeof model>): string[] {
  const ids = model(...args);
  // Guard against vacuous assertions: every case selects some, but not all, of the seed.
  expect(ids.length).toBeGreaterThan(0);
  expect(ids.length).toBeLessThan(seeded.length);
  return ids;
}

function model(filter: (s: Seeded) => boolean, sort: Sort = 'ending_soon', statuses: ListingStatus[] = ['active'], near?: [number, number]): string[] {
  const dist = (s: Seeded) => (s.city && near ? distanceKm(near[0], near[1], s.city.lat, s.city.lng) : Infinity);
  const key: Record<Sort, (s: Seeded) => number> = {
    ending_soon: (s) => s.endsAt,
    newest: (s) => -s.createdAt,
    price_asc: (s) => s.price,
    price_desc: (s) => -s.price,
    distance: dist,
  };
  const idDir = sort === 'price_desc' ? -1 : 1;
  return seeded
    .filter((s) => statuses.includes(s.status) && !s.deleted && filter(s))
    .sort((a, b) => key[sort](a) - key[sort](b) || (a.id < b.id ? -idDir : idDir))
    .map((s) => s.id);
}

/** Follows nextCursor to the end; answers every id in the order served. */
async function browseAll(query: Query, limit = 4): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page += 1) {
    const res = await env.http.get('/v1/listings').query({ ...query, limit, ...(cursor ? { cursor } : {}) });
    if (res.status !== 200) throw new Error(`${res.status} ${res.text}`);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...res.body.items.map((i: { id: string }) => i.id));
    cursor = res.body.nextCursor ?? undefined;
    if (!cursor) return ids;
  }
  throw new Error('pagination did not end');
}

const titles = (ids: string[]) => ids.map((id) => seeded.find((s) => s.id === id)!.title);
const MONTREAL: [number, number] = [45.5019, -73.5674];

describe('GET /v1/listings', () => {
  it('defaults to active listings ending soonest, never drafts, cancelled or deleted ones', async () => {
    const res = await env.http.get('/v1/listings');
    expect(res.status).toBe(200);
    const all = expected(() => true);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual(all.slice(0, 20));
    expect(res.body.items.every((i: { status: string }) => i.status === 'active')).toBe(true);
    expect(await browseAll({})).toEqual(all);
    expect(all).not.toContain(seeded[21].id); // active but soft-deleted
  });

  it.each<[Sort, Query]>([
    ['ending_soon', {}],
    ['newest', {}],
    ['price_asc', {}],
    ['price_desc', {}],
    ['distance', { near: MONTREAL.join(','), radiusKm: 500 }],
  ])('sorts by %s and pages through every row exactly once', async (sort, extra) => {
    const near = sort === 'distance' ? MONTREAL : undefined;
    const want = expected((s) => (near ? s.city !== null && distanceKm(...near, s.city.lat, s.city.lng) <= 500 : true), sort, ['active'], near);
    const got = await browseAll({ sort, ...extra }, 3);
    expect(new Set(got).size).toBe(got.length);
    expect(got).toEqual(want);
  });

  it('searches title and description by word stem (q)', async () => {
    const got = await browseAll({ q: 'bike' });
    // "bikes" stems to "bike"; "Motorbike" is another word, found only through a description.
    expect(got).toEqual(expected((s) => /\bbikes?\b/i.test(s.title) || seeded.indexOf(s) % 5 === 0));
    expect(titles(got).filter((t) => t.startsWith('Motorbike'))).toEqual(titles(model((s) => s.title.startsWith('Motorbike') && seeded.indexOf(s) % 5 === 0)));
    expect(titles(await browseAll({ q: '"acoustic guitar"' })).every((t) => t.startsWith('Acoustic guitar'))).toBe(true);
    expect(await browseAll({ q: 'guitar -acoustic' })).toEqual([]);
  });

  it('filters by category, condition list and current price range', async () => {
    expect(await browseAll({ category: 'music' })).toEqual(expected((s) => s.category === 'music'));
    expect(await browseAll({ condition: 'new,like_new' })).toEqual(expected((s) => s.condition === 'new' || s.condition === 'like_new'));
    expect(await browseAll({ minPriceCents: 2000, maxPriceCents: 6000 })).toEqual(expected((s) => s.price >= 2000 && s.price <= 6000));
    expect(await browseAll({ category: 'bikes', condition: 'good,fair,poor', maxPriceCents: 8000 })).toEqual(
      expected((s) => s.category === 'bikes' && ['good', 'fair', 'poor'].includes(s.condition) && s.price <= 8000),
    );
  });

  it('finds listings near a point within the radius (default 25 km)', async () => {
    const near = MONTREAL.join(',');
    const local = await browseAll({ near });
    expect(new Set(local.map((id) => seeded.find((s) => s.id === id)!.city!.name))).toEqual(new Set(['Montréal', 'Laval', 'Longueuil']));
    expect(local).toEqual(expected((s) => ['Montréal', 'Laval', 'Longueuil'].includes(s.city?.name ?? '')));
    const region = await browseAll({ near, radiusKm: 200 });
    expect(region).toEqual(expected((s) => ['Montréal', 'Laval', 'Longueuil', 'Ottawa'].includes(s.city?.name ?? '')));
    const res = await env.http.get('/v1/listings').query({ near, sort: 'distance', limit: 50 });
    const distances = res.body.items.map((i: { distanceKm: number }) => i.distanceKm);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(distances.at(-1)).toBeGreaterThan(15);
    expect(distances.at(-1)).toBeLessThan(25);
  });

  it('shows scheduled or ended listings on request, and filters by seller', async () => {
    expect(await browseAll({ status: 'scheduled' })).toEqual(expected(() => true, 'ending_soon', ['scheduled']));
    expect(await browseAll({ status: 'ended', sort: 'newest' })).toEqual(expected(() => true, 'newest', ['ended_sold', 'ended_unsold']));
    expect(await browseAll({ sellerId: sellers[1].id, sort: 'price_desc' })).toEqual(expected((s) => s.sellerId === sellers[1].id, 'price_desc'));
    const bad = await env.http.get('/v1/listings').query({ status: 'draft' });
    expect([bad.status, bad.body.errors[0].field]).toEqual([400, 'status']);
  });

  it("lists a seller's own drafts with mine=true (newest first), to them only", async () => {
    const mine = await env.http.get('/v1/listings').query({ mine: 'true', status: 'draft', limit: 50 }).set(sellers[0].auth);
    const want = expected((s) => s.sellerId === sellers[0].id, 'newest', ['draft']);
    expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual(want);
    expect(mine.body.items[0]).toHaveProperty('reservePriceCents');
    expect((await env.http.get('/v1/listings').query({ mine: 'true' })).status).toBe(401);
  });

  it('pages a seller\'s cancelled listings by ending soon, drafts taken down before they had an end (null ends_at) last', async () => {
    const seller = await createUser(env.deps);
    const row = (title: string, endsAt: Date | null) => ({
      sellerId: seller.id,
      title,
      description: 'Taken down',
      categorySlug: 'bikes',
      condition: 'good' as const,
      auctionType: 'auction' as const,
      startingPriceCents: 1000,
      currentPriceCents: 1000,
      status: 'cancelled' as const,
      startsAt: endsAt ? new Date(base - HOUR) : null,
      endsAt,
    });
    const made = await env.deps.db
      .insertInto('listings')
      .values([row('Ended one', new Date(base + HOUR)), row('Draft one', null), row('Draft two', null)])
      .returning(['id', 'title'])
      .execute();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const res = await env.http
        .get('/v1/listings')
        .query({ mine: 'true', status: 'cancelled', limit: 1, ...(cursor ? { cursor } : {}) })
        .set(seller.auth);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((l: { title: string }) => l.title));
      cursor = res.body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(seen[0]).toBe('Ended one');
    expect([...seen].sort()).toEqual(made.map((m) => m.title).sort());
  });

  it("shows each listing's images in order, its leader's alias and, signed in, the watch flag (one page, one statement)", async () => {
    const target = seeded.find((s) => s.status === 'active' && !s.deleted && s.category === 'computers')!;
    const other = seeded.find((s) => s.status === 'active' && !s.deleted && s.category === 'computers' && s.id !== target.id)!;
    const bidder = await createUser(env.deps);
    const watcher = await createUser(env.deps);
    const db = env.deps.db;
    await db
      .insertInto('listingImages')
      .values([1, 0].map((position) => ({ listingId: target.id, storageKey: `k${position}`, url: `https://img/${position}.jpg`, contentType: 'image/jpeg', sizeBytes: 100 + position, position })))
      .execute();
    await db.insertInto('listingBidders').values({ listingId: target.id, bidderId: bidder.id, alias: 'Bidder 7', lastBidAt: new Date() }).execute();
    await db.updateTable('listings').set({ leaderId: bidder.id, leaderMaxCents: target.price + 500, leaderSeq: 1, bidCount: 1 }).where('id', '=', target.id).execute();
    await db.insertInto('watches').values({ userId: watcher.id, listingId: target.id }).execute();
    try {
      const view = (res: { body: { items: Array<Record<string, unknown>> } }, id: string) => res.body.items.find((i) => i.id === id)!;
      const anonymous = await env.http.get('/v1/listings').query({ category: 'computers', limit: 50 });
      expect(view(anonymous, target.id)).toMatchObject({
        images: [
          { url: 'https://img/0.jpg', position: 0, sizeBytes: 100, contentType: 'image/jpeg' },
          { url: 'https://img/1.jpg', position: 1, sizeBytes: 101 },
        ],
        leaderAlias: 'Bidder 7',
      });
      expect(view(anonymous, target.id)).not.toHaveProperty('isWatching');
      expect(view(anonymous, other.id)).toMatchObject({ images: [], leaderAlias: null });
      const signedIn = await env.http.get('/v1/listings').query({ category: 'computers', limit: 50 }).set(watcher.auth);
      expect([view(signedIn, target.id).isWatching, view(signedIn, other.id).isWatching]).toEqual([true, false]);
    } finally {
      await db.deleteFrom('watches').where('listingId', '=', target.id).execute();
      await db.updateTable('listings').set({ leaderId: null, leaderMaxCents: null, leaderSeq: null, bidCount: 0 }).where('id', '=', target.id).execute();
      await db.deleteFrom('listingBidders').where('listingId', '=', target.id).execute();
      await db.deleteFrom('listingImages').where('listingId', '=', target.id).execute();
    }
  });

  it('refuses malformed queries with 400 naming the parameter', async () => {
    const cases: Array<[Query, string]> = [
      [{ sort: 'distance' }, 'sort'],
      [{ near: '45.5' }, 'near'],
      [{ near: '95,10' }, 'near'],
      [{ radiusKm: 10 }, 'radiusKm'],
      [{ near: '45,-73', radiusKm: 501 }, 'radiusKm'],
      [{ limit: 51 }, 'limit'],
      [{ condition: 'new,mint' }, 'condition'],
      [{ minPriceCents: 900, maxPriceCents: 100 }, 'maxPriceCents'],
      [{ cursor: 'bm9wZQ' }, 'cursor'],
    ];
    for (const [query, field] of cases) {
      const res = await env.http.get('/v1/listings').query(query);
      expect([res.status, res.body.errors?.[0]?.field]).toEqual([400, field]);
    }
    const first = await env.http.get('/v1/listings').query({ sort: 'newest', limit: 2 });
    const mixed = await env.http.get('/v1/listings').query({ sort: 'price_asc', cursor: first.body.nextCursor });
    expect([mixed.status, mixed.body.errors[0].field]).toEqual([400, 'cursor']);
  });

  it('refuses a cursor whose sort key is not a value of that sort with 400 (not a database error)', async () => {
    const id = seeded[0].id;
    const forged = (sort: string, key: string) => Buffer.from(JSON.stringify([sort, key, id])).toString('base64url');
    const cases: Array<[Query, string]> = [
      [{ sort: 'newest' }, 'last week'],
      [{ sort: 'ending_soon' }, '2026-02-30 12:00:00+00'],
      [{ sort: 'price_asc' }, 'cheap'],
      [{ sort: 'price_desc' }, '99999999999'],
      [{ sort: 'distance', near: '45.5,-73.5' }, 'far'],
    ];
    for (const [query, key] of cases) {
      const res = await env.http.get('/v1/listings').query({ ...query, cursor: forged(String(query.sort), key) });
      expect([query.sort, res.status, res.body.errors?.[0]?.field]).toEqual([query.sort, 400, 'cursor']);
    }
    const watchlist = await env.http.get('/v1/users/me/watchlist').set(sellers[0].auth).query({ cursor: forged('watchlist', 'soon') });
    expect([watchlist.status, watchlist.body.errors?.[0]?.field]).toEqual([400, 'cursor']);
  });
});
