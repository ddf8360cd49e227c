import { randomUUID } from 'node:crypto';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, UnknownRow } from 'kysely';
import { bidderAndListing } from '../../src/modules/bidding/bidding.repository';
import { createActiveListing, useSellerAndTwoBidders } from '../support/fixtures';

const ctx = useSellerAndTwoBidders();

/** Counts the statements a Kysely instance sends. */
class StatementCount implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs) {
    this.count += 1;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

describe('bid eligibility: the reads of one turn share a statement', () => {
  it('answers each (bidder, listing) pair with its own state from one statement', async () => {
    const statements = new StatementCount();
    const db = ctx.env.deps.db.withPlugin(statements);
    const listing = await createActiveListing(ctx.env.deps, ctx.seller.id);
    await ctx.env.deps.db.updateTable('users').set({ suspendedAt: new Date() }).where('id', '=', ctx.bob.id).execute();
    try {
      const [alice, seller, unknownListing, unknownUser, bob] = await Promise.all([
        bidderAndListing(db, ctx.alice.id, listing.id),
        bidderAndListing(db, ctx.seller.id, listing.id),
        bidderAndListing(db, ctx.alice.id, randomUUID()),
        bidderAndListing(db, randomUUID(), listing.id),
        bidderAndListing(db, ctx.bob.id, listing.id),
      ]);
      expect(statements.count).toBe(1);
      expect(alice).toMatchObject({
        status: 'active',
        sellerId: ctx.seller.id,
        suspendedAt: null,
        deletedAt: null,
        biddingSuspendedUntil: null,
      });
      expect(alice?.phoneVerifiedAt).toBeInstanceOf(Date);
      expect(seller).toMatchObject({ status: 'active', sellerId: ctx.seller.id });
      expect(unknownListing).toMatchObject({ status: null, sellerId: null, suspendedAt: null });
      expect(unknownUser).toBeUndefined();
      expect(bob?.suspendedAt).toBeInstanceOf(Date);

      // Alone in its turn, a read is the plain one-row lookup, with the same answer.
      await expect(bidderAndListing(db, ctx.alice.id, listing.id)).resolves.toEqual(alice);
      await expect(bidderAndListing(db, randomUUID(), listing.id)).resolves.toBeUndefined();
      expect(statements.count).toBe(3);
    } finally {
      await ctx.env.deps.db.updateTable('users').set({ suspendedAt: null }).where('id', '=', ctx.bob.id).execute();
    }
  });

  it('gives concurrent bids their own answers through the whole path', async () => {
    const listing = await createActiveListing(ctx.env.deps, ctx.seller.id, { startingPriceCents: 500 });
    const bid = (auth: Record<string, string>, listingId: string) =>
      ctx.env.http.post(`/v1/listings/${listingId}/bids`).set(auth).send({ maxAmountCents: 1000 });
    const [alice, seller, missing] = await Promise.all([
      bid(ctx.alice.auth, listing.id),
      bid(ctx.seller.auth, listing.id),
      bid(ctx.bob.auth, randomUUID()),
    ]);
    expect(alice.status).toBe(201);
    expect(seller.status).toBe(403);
    expect(seller.body.code).toBe('own_listing');
    expect(missing.status).toBe(404);
  });
});
