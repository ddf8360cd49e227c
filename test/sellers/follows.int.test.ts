/**
 * Follows (SPEC §9): `POST|DELETE /v1/users/:id/follow`, `GET /v1/users/me/following`; when a followed
 * seller publishes, every follower is notified by jobs run by a real BullMQ worker — in batches of
 * FOLLOWER_BATCH, never in the publish request — and nobody else is.
 */
import { sql } from 'kysely';
import { purgeDeletedAccounts } from '../../src/flows/account-lifecycle';
import { FOLLOWER_BATCH } from '../../src/modules/listings';
import { jobId } from '../../src/shared/jobs';
import { eventually, useSellerAndTwoBidders } from '../support/fixtures';
import { createUser, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';
import { createPublished } from '../listings/support';

const ctx = useSellerAndTwoBidders();
const db = () => ctx.env.deps.db;
const follow = (user: TestUser, id: string) => ctx.env.http.post(`/v1/users/${id}/follow`).set(user.auth).send();
const unfollow = (user: TestUser, id: string) => ctx.env.http.delete(`/v1/users/${id}/follow`).set(user.auth).send();
const listedNotices = (listingId: string) =>
  db()
    .selectFrom('notifications')
    .select('userId')
    .where('type', '=', 'followed_seller_listed')
    .where(sql<boolean>`data->>'listingId' = ${listingId}`)
    .execute();

describe('follows', () => {
  it('follow (idempotent), list who I follow, unfollow', async () => {
    const other = await createUser(ctx.env.deps, { displayName: 'Olga' });
    expect((await follow(ctx.alice, ctx.seller.id)).body).toEqual({ sellerId: ctx.seller.id, following: true });
    expect((await follow(ctx.alice, ctx.seller.id)).status).toBe(200);
    expect((await follow(ctx.alice, other.id)).status).toBe(200);
    const page1 = await ctx.env.http.get('/v1/users/me/following').query({ limit: 1 }).set(ctx.alice.auth);
    expect(page1.status).toBe(200);
    expect(page1.body.items).toEqual([{ seller: { id: other.id, displayName: 'Olga', avatarUrl: null }, followedAt: expect.any(String) }]);
    const page2 = await ctx.env.http.get('/v1/users/me/following').query({ limit: 1, cursor: page1.body.nextCursor }).set(ctx.alice.auth);
    expect(page2.body).toEqual({ items: [expect.objectContaining({ seller: expect.objectContaining({ id: ctx.seller.id, displayName: 'Sam' }) })], nextCursor: null });

    expect((await unfollow(ctx.alice, other.id)).body).toEqual({ sellerId: other.id, following: false });
    expect((await unfollow(ctx.alice, other.id)).status).toBe(200);
    const after = await ctx.env.http.get('/v1/users/me/following').set(ctx.alice.auth);
    expect(after.body.items.map((i: { seller: { id: string } }) => i.seller.id)).toEqual([ctx.seller.id]);
  });

  it('pages on past a seller unfollowed between two pages', async () => {
    const reader = await createUser(ctx.env.deps);
    const sellers = [await createUser(ctx.env.deps), await createUser(ctx.env.deps), await createUser(ctx.env.deps)];
    for (const s of sellers) expect((await follow(reader, s.id)).status).toBe(200);
    const first = await ctx.env.http.get('/v1/users/me/following').query({ limit: 1 }).set(reader.auth);
    const [newest] = first.body.items.map((i: { seller: { id: string } }) => i.seller.id);
    expect((await unfollow(reader, newest)).status).toBe(200);
    const next = await ctx.env.http.get('/v1/users/me/following').query({ limit: 5, cursor: first.body.nextCursor }).set(reader.auth);
    expect(next.body.items).toHaveLength(2);
  });

  it('only my own list; anonymous 401; unknown or deleted user 404; myself 422 naming id; bad id 400', async () => {
    const bob = await ctx.env.http.get('/v1/users/me/following').set(ctx.bob.auth);
    expect(bob.body).toEqual({ items: [], nextCursor: null });
    // A cursor is opaque: a bare seller id (or anything else not from a previous page) is a 400 naming it.
    const foreign = await ctx.env.http.get('/v1/users/me/following').query({ cursor: ctx.seller.id }).set(ctx.bob.auth);
    expectProblem(foreign, 400);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    expectProblem(await ctx.env.http.get('/v1/users/me/following'), 401);
    expectProblem(await ctx.env.http.post(`/v1/users/${ctx.seller.id}/follow`).send(), 401);
    expectProblem(await follow(ctx.bob, '00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    const gone = await createUser(ctx.env.deps);
    await db().updateTable('users').set({ deletedAt: new Date() }).where('id', '=', gone.id).execute();
    expectProblem(await follow(ctx.bob, gone.id), 404, 'not_found');
    const self = await follow(ctx.bob, ctx.bob.id);
    expectProblem(self, 422, 'cannot_follow_self');
    expect(self.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
    const bad = await follow(ctx.bob, 'not-a-uuid');
    expectProblem(bad, 400);
    expect(bad.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'id' })]));
    const badLimit = await ctx.env.http.get('/v1/users/me/following').query({ limit: 0 }).set(ctx.bob.auth);
    expectProblem(badLimit, 400);
    expect(badLimit.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'limit' })]));
  });

  it('follows are in the account export, and a purged account keeps none (either side)', async () => {
    const fan = await createUser(ctx.env.deps, { displayName: 'Fan' });
    const star = await createUser(ctx.env.deps, { displayName: 'Star' });
    expect((await follow(fan, star.id)).status).toBe(200);
    expect((await follow(ctx.bob, fan.id)).status).toBe(200);
    const exported = await ctx.env.http.get('/v1/users/me/export').set(fan.auth);
    expect(exported.status).toBe(200);
    expect(exported.body.following).toEqual([{ sellerId: star.id, followedAt: expect.any(String) }]);
    await db().updateTable('users').set({ deletedAt: sql<Date>`now() - interval '31 days'` }).where('id', '=', fan.id).execute();
    expect((await purgeDeletedAccounts(ctx.env.deps, new Date())).purged).toBeGreaterThanOrEqual(1);
    const left = await db()
      .selectFrom('follows')
      .selectAll()
      .where((eb) => eb.or([eb('followerId', '=', fan.id), eb('sellerId', '=', fan.id)]))
      .execute();
    expect(left).toEqual([]);
  });

  it('publishing notifies the followers (through the worker), not the others', async () => {
    const seller = await createUser(ctx.env.deps, { displayName: 'Sasha' });
    expect((await follow(ctx.alice, seller.id)).status).toBe(200);
    const listing = await createPublished(ctx.env, seller);
    const notices = await eventually(async () => {
      const rows = await listedNotices(listing.id);
      return rows.length > 0 && rows;
    });
    expect(notices.map((n) => n.userId)).toEqual([ctx.alice.id]);
    // Bob follows nobody; a second look after the worker settled still shows Alice only.
    await new Promise((r) => setTimeout(r, 300));
    expect((await listedNotices(listing.id)).map((n) => n.userId)).toEqual([ctx.alice.id]);
  });

  it(`fans out to ${2 * FOLLOWER_BATCH + 100} followers in batches of ${FOLLOWER_BATCH}, each told once`, async () => {
    const seller = await createUser(ctx.env.deps, { displayName: 'Popular' });
    const count = 2 * FOLLOWER_BATCH + 100;
    // Followers inserted in bulk: the fan-out, not sign-up, is under test.
    const followers = await db()
      .insertInto('users')
      .values(Array.from({ length: count }, (_, i) => ({ phoneNumber: `+1666${String(process.pid % 1000).padStart(3, '0')}${String(i).padStart(5, '0')}`, phoneVerifiedAt: new Date() })))
      .returning('id')
      .execute();
    await db()
      .insertInto('follows')
      .values(followers.map((f) => ({ followerId: f.id, sellerId: seller.id })))
      .execute();
    const started = Date.now();
    const listing = await createPublished(ctx.env, seller);
    expect(Date.now() - started).toBeLessThan(2000);
    await eventually(async () => (await listedNotices(listing.id)).length === count, 60_000, 200);
    const told = (await listedNotices(listing.id)).map((n) => n.userId).sort();
    expect(told).toEqual(followers.map((f) => f.id).sort());
    // Three batch jobs: from the start, then after the last follower of each full batch.
    const sorted = followers.map((f) => f.id).sort();
    const batchIds = ['start', sorted[FOLLOWER_BATCH - 1], sorted[2 * FOLLOWER_BATCH - 1]].map((after) => jobId('follower-fanout', listing.id, after));
    for (const id of batchIds) expect(await ctx.env.deps.queues.notifications.getJob(id)).toBeDefined();
  }, 90_000);
});
