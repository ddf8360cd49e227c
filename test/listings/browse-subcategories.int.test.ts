/**
 * GET /v1/listings?category=: a category's page shows the listings filed under it and under its
 * subcategories (active or not), as a marketplace's category page does; a subcategory's page shows only
 * its own.
 */
import { createActiveListing } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { listingEnv } from './support';

let env: TestEnv;
let seller: TestUser;
const listed: Record<string, string> = {};

/** An active listing filed under `category`. */
async function listIn(category: string): Promise<string> {
  const listing = await createActiveListing(env.deps, seller.id, { title: `Item in ${category}` });
  await env.deps.db.updateTable('listings').set({ categorySlug: category }).where('id', '=', listing.id).execute();
  return listing.id;
}

beforeAll(async () => {
  env = await createTestEnv(listingEnv());
  seller = await createUser(env.deps);
  // electronics ⊃ phones, computers (and a closed subcategory, whose listings are still browsable).
  await env.deps.db.insertInto('categories').values({ slug: 'retro-consoles', name: 'Retro consoles', active: false }).execute();
  await env.deps.db
    .updateTable('categories')
    .set({ parentSlug: 'electronics' })
    .where('slug', 'in', ['phones', 'computers', 'retro-consoles'])
    .execute();
  for (const category of ['electronics', 'phones', 'computers', 'retro-consoles', 'bikes']) listed[category] = await listIn(category);
});
afterAll(() => env.close());

const ids = (body: { items: Array<{ id: string }> }) => body.items.map((i) => i.id).sort();
const idsIn = (...categories: string[]) => categories.map((c) => listed[c]).sort();

describe('GET /v1/listings?category=', () => {
  it('a parent category shows its own listings and those of every subcategory, active or not', async () => {
    const res = await env.http.get('/v1/listings').query({ category: 'electronics', limit: 50 });
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(idsIn('electronics', 'phones', 'computers', 'retro-consoles'));
  });

  it('a subcategory shows only its own listings, not its parent’s nor a sibling’s', async () => {
    const res = await env.http.get('/v1/listings').query({ category: 'phones', limit: 50 });
    expect(ids(res.body)).toEqual(idsIn('phones'));
  });

  it('a category without subcategories shows its own, and an unknown slug an empty page (as before)', async () => {
    expect(ids((await env.http.get('/v1/listings').query({ category: 'bikes' })).body)).toEqual(idsIn('bikes'));
    const unknown = await env.http.get('/v1/listings').query({ category: 'no-such-thing' });
    expect([unknown.status, unknown.body]).toEqual([200, { items: [], nextCursor: null }]);
  });

  it('pages through a parent category in the sort order, across its subcategories', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await env.http.get('/v1/listings').query({ category: 'electronics', sort: 'newest', limit: 1, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    // Newest first: the listings were created in this order.
    expect(seen).toEqual(['retro-consoles', 'computers', 'phones', 'electronics'].map((c) => listed[c]));
  });
});
