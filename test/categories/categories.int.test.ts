import { createCategory, isActiveCategory, updateCategory } from '../../src/modules/categories';
import { draftBody } from '../listings/support';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';

let env: TestEnv;
let admin: TestUser;
let seller: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  [admin, seller] = await Promise.all([createUser(env.deps, { role: 'admin' }), createUser(env.deps)]);
});
afterAll(() => env.close());

const add = (body: Record<string, unknown>) => env.http.post('/v1/admin/categories').set(admin.auth).send(body);
const publicSlugs = async () => (await env.http.get('/v1/categories')).body.items.map((c: { slug: string }) => c.slug) as string[];

describe('deactivating a parent category', () => {
  it('takes its subcategories out of the public list and out of reach of new listings; reactivating brings them back', async () => {
    expect((await add({ slug: 'dp-garden', name: 'Garden' })).status).toBe(201);
    expect((await add({ slug: 'dp-mowers', name: 'Mowers', parentSlug: 'dp-garden' })).status).toBe(201);
    expect(await publicSlugs()).toEqual(expect.arrayContaining(['dp-garden', 'dp-mowers']));

    expect((await env.http.delete('/v1/admin/categories/dp-garden').set(admin.auth)).status).toBe(200);
    // The public tree must not name a parent it does not list, nor take listings under a closed branch.
    const slugs = await publicSlugs();
    expect(slugs).not.toContain('dp-garden');
    expect(slugs).not.toContain('dp-mowers');
    expect(await isActiveCategory(env.deps.db, 'dp-mowers')).toBe(false);
    const draft = await env.http.post('/v1/listings').set(seller.auth).send(draftBody({ category: 'dp-mowers' }));
    expectProblem(draft, 422, 'listing_rules_violated');
    expect(draft.body.errors).toEqual([expect.objectContaining({ field: 'category' })]);

    expect((await env.http.patch('/v1/admin/categories/dp-garden').set(admin.auth).send({ active: true })).status).toBe(200);
    expect(await publicSlugs()).toEqual(expect.arrayContaining(['dp-garden', 'dp-mowers']));
    expect(await isActiveCategory(env.deps.db, 'dp-mowers')).toBe(true);
  });
});

describe('one level of nesting under concurrent edits', () => {
  const depthOver1 = async () =>
    env.deps.db
      .selectFrom('categories as c')
      .innerJoin('categories as p', 'p.slug', 'c.parentSlug')
      .select('c.slug')
      .where('p.parentSlug', 'is not', null)
      .execute();

  it('does not let a subcategory be added under a category that is being moved under a parent at the same time', async () => {
    await createCategory(env.deps.db, { slug: 'race-top', name: 'Top' });
    await createCategory(env.deps.db, { slug: 'race-mid', name: 'Mid' });
    let second: Promise<{ status: number; body: { code?: string } }> | undefined;
    await env.deps.db.transaction().execute(async (trx) => {
      // race-mid becomes a subcategory (not committed yet) while another admin adds a child under it.
      await updateCategory(trx, 'race-mid', { parentSlug: 'race-top' });
      second = Promise.resolve(add({ slug: 'race-leaf', name: 'Leaf', parentSlug: 'race-mid' }));
      await Promise.race([second, new Promise((r) => setTimeout(r, 500))]);
    });
    const res = await second!;
    expectProblem(res as never, 422, 'invalid_parent_category');
    expect(await depthOver1()).toEqual([]);
  });

  it('does not let two categories become each other\'s parent at the same time', async () => {
    await createCategory(env.deps.db, { slug: 'cyc-a', name: 'A' });
    await createCategory(env.deps.db, { slug: 'cyc-b', name: 'B' });
    let second: Promise<{ status: number }> | undefined;
    await env.deps.db.transaction().execute(async (trx) => {
      await updateCategory(trx, 'cyc-a', { parentSlug: 'cyc-b' });
      second = Promise.resolve(env.http.patch('/v1/admin/categories/cyc-b').set(admin.auth).send({ parentSlug: 'cyc-a' }));
      await Promise.race([second, new Promise((r) => setTimeout(r, 500))]);
    });
    const res = await second!;
    expect(res.status).toBe(422);
    expect(await depthOver1()).toEqual([]);
  });
});

describe('an admin edit that changes nothing', () => {
  const auditRows = (slug: string) =>
    env.deps.db.selectFrom('auditLog').select('id').where('targetType', '=', 'category').where('targetId', '=', slug).execute();
  const row = (slug: string) => env.deps.db.selectFrom('categories').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow();

  it('answers the category as usual but writes no audit row and leaves the row untouched', async () => {
    expect((await add({ slug: 'noop-tools', name: 'Tools', sortOrder: 3 })).status).toBe(201);
    const audited = await auditRows('noop-tools');
    const stored = await row('noop-tools');

    const empty = await env.http.patch('/v1/admin/categories/noop-tools').set(admin.auth).send({});
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual(expect.objectContaining({ slug: 'noop-tools', name: 'Tools', sortOrder: 3, active: true }));
    const same = await env.http
      .patch('/v1/admin/categories/noop-tools')
      .set(admin.auth)
      .send({ name: 'Tools', sortOrder: 3, parentSlug: null, active: true });
    expect(same.status).toBe(200);

    expect(await auditRows('noop-tools')).toEqual(audited);
    // Not even updatedAt moves: nothing was written.
    expect(same.body).toEqual(empty.body);
    expect((await row('noop-tools')).updatedAt).toEqual(stored.updatedAt);
  });

  it('deactivating an already inactive category answers as usual but writes no second audit row', async () => {
    expect((await add({ slug: 'noop-old', name: 'Old' })).status).toBe(201);
    expect((await env.http.delete('/v1/admin/categories/noop-old').set(admin.auth)).status).toBe(200);
    const audited = await auditRows('noop-old');
    expect(audited).toHaveLength(2); // created, then deactivated

    const again = await env.http.delete('/v1/admin/categories/noop-old').set(admin.auth);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(expect.objectContaining({ slug: 'noop-old', active: false }));
    expect(await auditRows('noop-old')).toEqual(audited);
  });

  it('still audits a real change made in the same request as unchanged fields', async () => {
    expect((await add({ slug: 'noop-mixed', name: 'Mixed', sortOrder: 1 })).status).toBe(201);
    const res = await env.http.patch('/v1/admin/categories/noop-mixed').set(admin.auth).send({ name: 'Mixed', sortOrder: 2 });
    expect(res.body.sortOrder).toBe(2);
    const rows = await env.deps.db
      .selectFrom('auditLog')
      .select('action')
      .where('targetType', '=', 'category')
      .where('targetId', '=', 'noop-mixed')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.action)).toEqual(['category.created', 'category.updated']);
  });
});
