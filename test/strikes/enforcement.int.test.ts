/**
 * Non-payment consequences (SPEC §9): two strikes within 90 days refuse bids and buy-now with 403
 * `bidding_suspended` until the older one is 90 days old; `GET /v1/users/me` shows them. Strikes are
 * dated rows, backdated here instead of waiting 90 days.
 */
import { sql } from 'kysely';
import { createActiveListing, useSellerAndTwoBidders } from '../support/fixtures';
import { createUser, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';

const ctx = useSellerAndTwoBidders();
const DAY_MS = 86_400_000;

const strikeDaysAgo = (userId: string, days: number) =>
  ctx.env.deps.db
    .insertInto('nonPaymentStrikes')
    .values({ userId, createdAt: sql<Date>`now() - make_interval(days => ${days})` })
    .returning('createdAt')
    .executeTakeFirstOrThrow();
const listing = () =>
  createActiveListing(ctx.env.deps, ctx.seller.id, { auctionType: 'both', startingPriceCents: 5000, buyNowPriceCents: 10_000 });
const bid = (user: TestUser, listingId: string) =>
  ctx.env.http.post(`/v1/listings/${listingId}/bids`).set(user.auth).send({ maxAmountCents: 6000 });
const buyNow = (user: TestUser, listingId: string) => ctx.env.http.post(`/v1/listings/${listingId}/buy-now`).set(user.auth).send();
const me = async (user: TestUser) => {
  const res = await ctx.env.http.get('/v1/users/me').set(user.auth);
  expect(res.status).toBe(200);
  return res.body as { strikes: number; biddingSuspendedUntil: string | null };
};

describe('non-payment strikes', () => {
  it('two strikes within 90 days: bid and buy-now 403 bidding_suspended, until the older is 90 days old', async () => {
    const buyer = await createUser(ctx.env.deps);
    const older = await strikeDaysAgo(buyer.id, 30);
    await strikeDaysAgo(buyer.id, 2);
    const l = await listing();

    const refusedBid = await bid(buyer, l.id);
    expectProblem(refusedBid, 403, 'bidding_suspended');
    expectProblem(await buyNow(buyer, l.id), 403, 'bidding_suspended');
    expect(await ctx.env.deps.db.selectFrom('bids').select('id').where('listingId', '=', l.id).execute()).toEqual([]);
    expect(await ctx.env.deps.db.selectFrom('transactions').select('id').where('listingId', '=', l.id).execute()).toEqual([]);

    const standing = await me(buyer);
    expect(standing.strikes).toBe(2);
    expect(new Date(standing.biddingSuspendedUntil!).getTime()).toBe(older.createdAt.getTime() + 90 * DAY_MS);
  });

  it('a refused bid retried with the same Idempotency-Key (or sent twice at once) is refused again: nothing bid', async () => {
    const buyer = await createUser(ctx.env.deps);
    await strikeDaysAgo(buyer.id, 30);
    await strikeDaysAgo(buyer.id, 2);
    const l = await listing();
    const keyed = (key: string) =>
      ctx.env.http.post(`/v1/listings/${l.id}/bids`).set(buyer.auth).set('Idempotency-Key', key).send({ maxAmountCents: 6000 });

    expectProblem(await keyed('strike-retry-1'), 403, 'bidding_suspended');
    expectProblem(await keyed('strike-retry-1'), 403, 'bidding_suspended');
    const twice = await Promise.all([keyed('strike-retry-2'), keyed('strike-retry-2')]);
    for (const res of twice) expectProblem(res, 403, 'bidding_suspended');
    expect(await ctx.env.deps.db.selectFrom('bids').select('id').where('listingId', '=', l.id).execute()).toEqual([]);
  });

  it('a strike older than 90 days does not count: one recent plus one old may bid and buy', async () => {
    const buyer = await createUser(ctx.env.deps);
    await strikeDaysAgo(buyer.id, 91);
    await strikeDaysAgo(buyer.id, 5);
    expect(await me(buyer)).toMatchObject({ strikes: 1, biddingSuspendedUntil: null });
    const l = await listing();
    expect((await bid(buyer, l.id)).status).toBe(201);
    const other = await listing();
    expect((await buyNow(buyer, other.id)).status).toBe(201);
  });

  it('three strikes: suspended until the older of the two most recent is 90 days old', async () => {
    const buyer = await createUser(ctx.env.deps);
    await strikeDaysAgo(buyer.id, 80);
    const middle = await strikeDaysAgo(buyer.id, 40);
    await strikeDaysAgo(buyer.id, 1);
    const standing = await me(buyer);
    expect(standing.strikes).toBe(3);
    expect(new Date(standing.biddingSuspendedUntil!).getTime()).toBe(middle.createdAt.getTime() + 90 * DAY_MS);
  });

  it('no strikes: 0 and not suspended', async () => {
    expect(await me(ctx.alice)).toMatchObject({ strikes: 0, biddingSuspendedUntil: null });
  });
});
