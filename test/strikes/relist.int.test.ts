/**
 * Relist after a non-payment (SPEC §9): the seller gets a new draft copied from the listing whose sale
 * was cancelled at the payment deadline; nobody else may, and not for a sale that is still going.
 */
import { sql } from 'kysely';
import { createActiveListing, useSellerAndTwoBidders } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';

const ctx = useSellerAndTwoBidders();

/** A listing bought by Alice; with `unpaid`, its sale cancelled at the payment deadline (as the deadline job leaves it). */
async function soldListing(unpaid: boolean, env: TestEnv = ctx.env, seller: TestUser = ctx.seller, buyer: TestUser = ctx.alice) {
  const listing = await createActiveListing(env.deps, seller.id, {
    auctionType: 'both',
    startingPriceCents: 5000,
    buyNowPriceCents: 10_000,
  });
  const bought = await env.http.post(`/v1/listings/${listing.id}/buy-now`).set(buyer.auth).send();
  expect(bought.status).toBe(201);
  if (unpaid) {
    await env.deps.db
      .updateTable('transactions')
      .set({ status: 'cancelled', cancelReason: 'payment_deadline', cancelledAt: sql<Date>`now()` })
      .where('id', '=', bought.body.transaction.id)
      .execute();
  }
  return listing;
}
const relist = (auth: Record<string, string>, id: string) => ctx.env.http.post(`/v1/listings/${id}/relist`).set(auth).send();

describe('relist after non-payment', () => {
  it('the seller gets a new draft with the same item and prices, no schedule; the old listing is untouched', async () => {
    const old = await soldListing(true);
    const res = await relist(ctx.seller.auth, old.id);
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe(old.id);
    const copy = await ctx.env.deps.db.selectFrom('listings').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(copy).toMatchObject({
      sellerId: ctx.seller.id,
      title: old.title,
      categorySlug: old.categorySlug,
      auctionType: 'both',
      startingPriceCents: 5000,
      buyNowPriceCents: 10_000,
      currentPriceCents: 5000,
      status: 'draft',
      startsAt: null,
      endsAt: null,
      bidCount: 0,
      winnerId: null,
    });
    const before = await ctx.env.deps.db.selectFrom('listings').select(['status', 'winnerId']).where('id', '=', old.id).executeTakeFirstOrThrow();
    expect(before).toEqual({ status: 'ended_sold', winnerId: ctx.alice.id });
  });

  it('not the seller: 403 not_listing_seller; an unknown listing: 404', async () => {
    const old = await soldListing(true);
    const stranger = await relist(ctx.bob.auth, old.id);
    expectProblem(stranger, 403, 'not_listing_seller');
    expectProblem(await relist(ctx.seller.auth, '00000000-0000-4000-8000-000000000000'), 404, 'not_found');
  });

  it('a sale still pending payment (or never sold) is not relistable: 409', async () => {
    const pending = await soldListing(false);
    expectProblem(await relist(ctx.seller.auth, pending.id), 409, 'not_relistable');
    const unsold = await createActiveListing(ctx.env.deps, ctx.seller.id, {});
    expectProblem(await relist(ctx.seller.auth, unsold.id), 409, 'not_relistable');
  });

  it('relists a listing once: a second relist is 409 already_relisted naming the draft, and makes no second draft', async () => {
    const old = await soldListing(true);
    const first = await relist(ctx.seller.auth, old.id);
    expect(first.status).toBe(201);
    const again = await relist(ctx.seller.auth, old.id);
    expectProblem(again, 409, 'already_relisted');
    expect(again.body).toMatchObject({ listingId: first.body.id });
    // Concurrent relists of another listing: one draft between them.
    const other = await soldListing(true);
    const racing = await Promise.all([relist(ctx.seller.auth, other.id), relist(ctx.seller.auth, other.id)]);
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409]);
    const copies = await ctx.env.deps.db.selectFrom('listings').select('relistedFrom').where('relistedFrom', 'in', [old.id, other.id]).execute();
    expect(copies.map((c) => c.relistedFrom).sort()).toEqual([old.id, other.id].sort());
  });
});

describe('relist by a new account (RATE_LIMIT_NEW_ACCOUNT_LISTINGS_PER_HOUR=1)', () => {
  let limited: TestEnv;
  beforeAll(async () => {
    limited = await createTestEnv({ RATE_LIMIT_NEW_ACCOUNT_LISTINGS_PER_HOUR: '1' });
  });
  afterAll(() => limited.close());

  it('spends the hourly listing budget like creating a draft: the relist over it is 429', async () => {
    const [seller, buyer] = await Promise.all([createUser(limited.deps), createUser(limited.deps)]);
    const [a, b] = [await soldListing(true, limited, seller, buyer), await soldListing(true, limited, seller, buyer)];
    expect((await limited.http.post(`/v1/listings/${a.id}/relist`).set(seller.auth).send()).status).toBe(201);
    const over = await limited.http.post(`/v1/listings/${b.id}/relist`).set(seller.auth).send();
    expectProblem(over, 429, 'rate_limited');
    expect(over.headers['retry-after']).toBeDefined();
  });
});
