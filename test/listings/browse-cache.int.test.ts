/**
 * Anonymous browse pages are shared for BROWSE_CACHE_MS; signed-in pages never are. A page may lag a
 * change by at most that long, then shows it.
 */
import { createActiveListing } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

let env: TestEnv;
let seller: TestUser;
beforeAll(async () => {
  env = await createTestEnv({ BROWSE_CACHE_MS: '1500' });
  seller = await createUser(env.deps);
});
afterAll(() => env.close());

const priceOf = (body: { items: Array<{ id: string; currentPriceCents: number }> }, id: string) =>
  body.items.find((i) => i.id === id)?.currentPriceCents;

it('answers an anonymous page from memory for the cache time, then reads the change', async () => {
  const listing = await createActiveListing(env.deps, seller.id, { title: 'Cached canoe', startingPriceCents: 1000 });
  const readAt = Date.now(); // the page's age counts from when its read began
  const first = await env.http.get('/v1/listings').query({ q: 'canoe' });
  expect(priceOf(first.body, listing.id)).toBe(1000);

  await env.deps.db.updateTable('listings').set({ currentPriceCents: 1500 }).where('id', '=', listing.id).execute();
  const again = await env.http.get('/v1/listings').query({ q: 'canoe' });
  if (Date.now() - readAt < 1400) expect(priceOf(again.body, listing.id)).toBe(1000);
  // Another page (another query) is read on its own.
  const other = await env.http.get('/v1/listings').query({ q: 'canoe', sort: 'newest' });
  expect(priceOf(other.body, listing.id)).toBe(1500);

  await new Promise((r) => setTimeout(r, 1550));
  const later = await env.http.get('/v1/listings').query({ q: 'canoe' });
  expect(priceOf(later.body, listing.id)).toBe(1500);
});

it('never answers a signed-in viewer from the shared cache', async () => {
  const viewer = await createUser(env.deps);
  const listing = await createActiveListing(env.deps, seller.id, { title: 'Cached kayak', startingPriceCents: 2000 });
  await env.http.get('/v1/listings').query({ q: 'kayak' });
  await env.deps.db.updateTable('listings').set({ currentPriceCents: 2500 }).where('id', '=', listing.id).execute();
  const signedIn = await env.http.get('/v1/listings').query({ q: 'kayak' }).set(viewer.auth);
  expect(priceOf(signedIn.body, listing.id)).toBe(2500);
  expect(signedIn.body.items.find((i: { id: string }) => i.id === listing.id).isWatching).toBe(false);
});

it('counts hits and misses in /metrics', async () => {
  await env.http.get('/v1/listings').query({ category: 'bikes', sort: 'price_asc' });
  await env.http.get('/v1/listings').query({ category: 'bikes', sort: 'price_asc' });
  const metrics = await env.http.get('/metrics'); // open in test (SPEC dev conveniences)
  expect(metrics.text).toMatch(/browse_cache_requests_total\{result="hit"\} [1-9]/);
  expect(metrics.text).toMatch(/browse_cache_requests_total\{result="miss"\} [1-9]/);
});

it('caches a category page under the category asked for: a parent’s page (with its subcategories) and a subcategory’s apart', async () => {
  await env.deps.db.updateTable('categories').set({ parentSlug: 'home' }).where('slug', '=', 'furniture').execute();
  const [parent, child] = await Promise.all([
    createActiveListing(env.deps, seller.id, { title: 'Cached garden bench' }),
    createActiveListing(env.deps, seller.id, { title: 'Cached oak bench' }),
  ]);
  await env.deps.db.updateTable('listings').set({ categorySlug: 'home' }).where('id', '=', parent.id).execute();
  await env.deps.db.updateTable('listings').set({ categorySlug: 'furniture' }).where('id', '=', child.id).execute();
  const ids = (body: { items: Array<{ id: string }> }) => body.items.map((i) => i.id).sort();

  const home = await env.http.get('/v1/listings').query({ category: 'home', q: 'bench' });
  expect(ids(home.body)).toEqual([parent.id, child.id].sort());
  // Within the cache time: the subcategory's own page, not the parent's cached one.
  const furniture = await env.http.get('/v1/listings').query({ category: 'furniture', q: 'bench' });
  expect(ids(furniture.body)).toEqual([child.id]);
  expect(ids((await env.http.get('/v1/listings').query({ category: 'home', q: 'bench' })).body)).toEqual([parent.id, child.id].sort());
});
