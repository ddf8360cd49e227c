import { createUser, type TestUser } from '../support/harness';
import { createPublished, useListingSeller } from '../listings/support';

const ctx = useListingSeller();
let watcher: TestUser;

beforeAll(async () => {
  watcher = await createUser(ctx.env.deps);
});

const watchlist = (user: TestUser, query: Record<string, string | number> = {}) => ctx.env.http.get('/v1/users/me/watchlist').set(user.auth).query(query);

describe('GET /v1/users/me/watchlist', () => {
  it('lists the watched listings, most recently watched first, page by page with a cursor', async () => {
    const listings = [];
    for (const title of ['Watched bike A', 'Watched bike B', 'Watched bike C']) {
      const listing = await createPublished(ctx.env, ctx.seller, { title });
      expect((await ctx.env.http.post(`/v1/listings/${listing.id}/watch`).set(watcher.auth)).status).toBe(200);
      listings.push(listing);
    }
    await createPublished(ctx.env, ctx.seller, { title: 'Not watched' });

    const first = await watchlist(watcher, { limit: 2 });
    expect(first.status).toBe(200);
    expect(first.body.items.map((l: { id: string }) => l.id)).toEqual([listings[2].id, listings[1].id]);
    expect(first.body.items[0]).toMatchObject({ title: 'Watched bike C', isWatching: true, watchCount: 1 });
    expect(first.body.nextCursor).toEqual(expect.any(String));

    const second = await watchlist(watcher, { limit: 2, cursor: first.body.nextCursor });
    expect(second.body.items.map((l: { id: string }) => l.id)).toEqual([listings[0].id]);
    expect(second.body.nextCursor).toBeNull();

    await ctx.env.http.delete(`/v1/listings/${listings[1].id}/watch`).set(watcher.auth);
    expect((await watchlist(watcher)).body.items.map((l: { id: string }) => l.id)).toEqual([listings[2].id, listings[0].id]);
  });

  it('shows only the caller’s own watches', async () => {
    const other = await createUser(ctx.env.deps);
    const res = await watchlist(other);
    expect([res.status, res.body.items, res.body.nextCursor]).toEqual([200, [], null]);
  });

  it('leaves out soft-deleted listings', async () => {
    const user = await createUser(ctx.env.deps);
    const listing = await createPublished(ctx.env, ctx.seller);
    await ctx.env.http.post(`/v1/listings/${listing.id}/watch`).set(user.auth);
    expect((await watchlist(user)).body.items).toHaveLength(1);
    await ctx.env.deps.db.updateTable('listings').set({ deletedAt: new Date() }).where('id', '=', listing.id).execute();
    expect((await watchlist(user)).body.items).toHaveLength(0);
  });

  it('refuses a cursor from another list (400 naming cursor) and anonymous callers (401)', async () => {
    const browse = Buffer.from(JSON.stringify(['newest', '2026-01-01', '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    const res = await watchlist(watcher, { cursor: browse });
    expect([res.status, res.body.errors?.[0]?.field]).toEqual([400, 'cursor']);
    expect((await ctx.env.http.get('/v1/users/me/watchlist')).status).toBe(401);
  });
});
