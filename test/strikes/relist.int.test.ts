/**
 * Relist after a non-payment (SPEC §9): the seller gets a new draft copied from the listing whose sale
 * was cancelled at the payment deadline; nobody else may, and not for a sale that is still going.
 */
import { sql } from 'kysely';
import { createActiveListing, useSellerAndTwoBidders } from '../support/fixtures';
import { expectProblem } from '../support/http';

const ctx = useSellerAndTwoBidders();

/** A listing bought by Alice; with `unpaid`, its sale cancelled at the payment deadline (as the deadline job leaves it). */
async function soldListing(unpaid: boolean) {
  const listing = await createActiveListing(ctx.env.deps, ctx.seller.id, {
    auctionType: 'both',
    startingPriceCents: 5000,
    buyNowPriceCents: 10_000,
  });
  const bought = await ctx.env.http.post(`/v1/listings/${listing.id}/buy-now`).set(ctx.alice.auth).send();
  expect(bought.status).toBe(201);
  if (unpaid) {
    await ctx.env.deps.db
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
});
