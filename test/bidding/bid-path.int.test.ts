import { createActiveListing, eventually, useSellerAndTwoBidders } from '../support/fixtures';
import { createUser, type TestUser } from '../support/harness';

const ctx = useSellerAndTwoBidders();

const bid = (user: TestUser, listingId: string, maxAmountCents: number, key?: string) => {
  const req = ctx.env.http.post(`/v1/listings/${listingId}/bids`).set(user.auth);
  if (key) req.set('Idempotency-Key', key);
  return req.send({ maxAmountCents });
};

describe('bid path: HTTP → queue → worker → commit', () => {
  it('follows SPEC’s proxy example through the full path', async () => {
    const listing = await createActiveListing(ctx.env.deps, ctx.seller.id, { startingPriceCents: 500 });
    const a = await bid(ctx.alice, listing.id, 1000);
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ outcome: 'leading', currentPriceCents: 500, isLeader: true, minNextBidCents: 550 });
    expect(a.body.bid).toMatchObject({ alias: 'a***1', maxAmountCents: 1000, isAutoBid: false });

    const b = await bid(ctx.bob, listing.id, 800);
    expect(b.status).toBe(201);
    expect(b.body).toMatchObject({ outcome: 'outbid', currentPriceCents: 850, isLeader: false });

    const low = await bid(ctx.bob, listing.id, 860);
    expect(low.status).toBe(409);
    expect(low.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(low.body).toMatchObject({ code: 'bid_too_low', minNextBidCents: 900 });

    const history = await ctx.env.http.get(`/v1/listings/${listing.id}/bids`).set(ctx.bob.auth);
    expect(history.status).toBe(200);
    const amounts = history.body.items.map((i: { amountCents: number }) => i.amountCents);
    expect(amounts).toEqual([850, 800, 500]);
    // Bob sees his own maximum, never Alice's.
    for (const item of history.body.items) {
      if (item.alias.startsWith('a')) expect(item.maxAmountCents).toBeUndefined();
      else expect(item.maxAmountCents).toBe(800);
    }
  });

  it('answers a retried request with the same Idempotency-Key with the same answer and one bid', async () => {
    const listing = await createActiveListing(ctx.env.deps, ctx.seller.id);
    const first = await bid(ctx.alice, listing.id, 2000, 'tap-1');
    const again = await bid(ctx.alice, listing.id, 2000, 'tap-1');
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    const rows = await ctx.env.deps.db.selectFrom('bids').selectAll().where('listingId', '=', listing.id).execute();
    expect(rows).toHaveLength(1);
    const reused = await bid(ctx.alice, listing.id, 2500, 'tap-1');
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
  });

  it('refuses the seller, and suspended or deleted bidders', async () => {
    const listing = await createActiveListing(ctx.env.deps, ctx.seller.id);
    const own = await bid(ctx.seller, listing.id, 1000);
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('own_listing');

    const suspended = await createUser(ctx.env.deps);
    await ctx.env.deps.db.updateTable('users').set({ suspendedAt: new Date() }).where('id', '=', suspended.id).execute();
    expect((await bid(suspended, listing.id, 1000)).body.code).toBe('bidder_not_allowed');
    const deleted = await createUser(ctx.env.deps);
    await ctx.env.deps.db.updateTable('users').set({ deletedAt: new Date() }).where('id', '=', deleted.id).execute();
    expect((await bid(deleted, listing.id, 1000)).status).toBe(403);
  });

  it('notifies the displaced leader (in-app notification row)', async () => {
    const listing = await createActiveListing(ctx.env.deps, ctx.seller.id);
    await bid(ctx.alice, listing.id, 1000);
    await bid(ctx.bob, listing.id, 3000);
    const note = await eventually(() =>
      ctx.env.deps.db
        .selectFrom('notifications')
        .selectAll()
        .where('userId', '=', ctx.alice.id)
        .where('type', '=', 'outbid')
        .executeTakeFirst(),
    );
    expect(note.data).toMatchObject({ listingId: listing.id });
  });
});
