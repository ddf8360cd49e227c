/**
 * Buy-now (SPEC §2): available while active and (fixed, or no bids yet, or a reserve not yet met);
 * ends the listing at once with a transaction carrying the fees of SPEC §1.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { useDyingApi } from '../support/dying-api';
import { createActiveListing, useSellerAndTwoBidders } from '../support/fixtures';
import { createUser, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';
import { waitForLockWaiter } from '../support/lock-waiter';

const ctx = useSellerAndTwoBidders();

const buyNow = (user: TestUser, listingId: string) => ctx.env.http.post(`/v1/listings/${listingId}/buy-now`).set(user.auth).send();
const bid = async (user: TestUser, listingId: string, maxAmountCents: number) => {
  const res = await ctx.env.http.post(`/v1/listings/${listingId}/bids`).set(user.auth).send({ maxAmountCents });
  expect(res.status).toBe(201);
};
const both = (f: { reservePriceCents?: number } = {}) =>
  createActiveListing(ctx.env.deps, ctx.seller.id, { auctionType: 'both', startingPriceCents: 5000, buyNowPriceCents: 10_000, ...f });
const transactionsOf = (listingId: string) =>
  ctx.env.deps.db.selectFrom('transactions').selectAll().where('listingId', '=', listingId).execute();

describe('buy-now', () => {
  it('on a `both` listing with no bids: 201 {transaction} with SPEC fees (10000 → 600 + 199, payout 9201), listing sold', async () => {
    const listing = await both();
    const res = await buyNow(ctx.alice, listing.id);
    expect(res.status).toBe(201);
    expect(res.body.transaction).toMatchObject({
      listingId: listing.id,
      buyerId: ctx.alice.id,
      sellerId: ctx.seller.id,
      amountCents: 10_000,
      commissionCents: 600,
      escrowFeeCents: 199,
      sellerPayoutCents: 9201,
      status: 'pending_payment',
    });
    const row = await ctx.env.deps.db
      .selectFrom('listings')
      .select(['status', 'winnerId'])
      .where('id', '=', listing.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'ended_sold', winnerId: ctx.alice.id });
    const [tx] = await transactionsOf(listing.id);
    expect(tx).toMatchObject({ id: res.body.transaction.id, source: 'buy_now', commissionBps: 600 });
    const ended = await ctx.env.deps.db
      .selectFrom('listingEvents')
      .select('payload')
      .where('listingId', '=', listing.id)
      .where('type', '=', 'auction_ended')
      .execute();
    expect(ended.map((e) => e.payload)).toEqual([expect.objectContaining({ outcome: 'sold', finalPriceCents: 10_000 })]);
    // Over: a second buyer, and any bidder, are told so.
    expectProblem(await buyNow(ctx.bob, listing.id), 409, 'buy_now_unavailable');
    const late = await ctx.env.http.post(`/v1/listings/${listing.id}/bids`).set(ctx.bob.auth).send({ maxAmountCents: 20_000 });
    expectProblem(late, 409, 'auction_ended');
  });

  it('is gone after any bid when there is no reserve', async () => {
    const listing = await both();
    await bid(ctx.bob, listing.id, 5000);
    expectProblem(await buyNow(ctx.alice, listing.id), 409, 'buy_now_unavailable');
    expect(await transactionsOf(listing.id)).toEqual([]);
  });

  it('with a reserve: stays while the reserve is unmet, gone once a bid meets it', async () => {
    const listing = await both({ reservePriceCents: 8000 });
    await bid(ctx.bob, listing.id, 6000);
    const unmet = await both({ reservePriceCents: 8000 });
    await bid(ctx.bob, unmet.id, 7999);
    expect((await buyNow(ctx.alice, unmet.id)).status).toBe(201);

    await bid(ctx.bob, listing.id, 8000);
    expectProblem(await buyNow(ctx.alice, listing.id), 409, 'buy_now_unavailable');
    expect(await transactionsOf(listing.id)).toEqual([]);
  });

  it('two concurrent buyers: exactly one 201, one 409, one transaction', async () => {
    const listing = await both();
    const [a, b] = await Promise.all([buyNow(ctx.alice, listing.id), buyNow(ctx.bob, listing.id)]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const loser = a.status === 409 ? a : b;
    expectProblem(loser, 409, 'buy_now_unavailable');
    const txs = await transactionsOf(listing.id);
    expect(txs).toHaveLength(1);
    expect(txs[0].buyerId).toBe((a.status === 201 ? ctx.alice : ctx.bob).id);
  });

  it('refuses the seller and a fixed-price listing stays buyable after refused bids', async () => {
    const listing = await createActiveListing(ctx.env.deps, ctx.seller.id, {
      auctionType: 'fixed',
      startingPriceCents: 3000,
      buyNowPriceCents: 3000,
    });
    expectProblem(await buyNow(ctx.seller, listing.id), 403, 'own_listing');
    const refused = await ctx.env.http.post(`/v1/listings/${listing.id}/bids`).set(ctx.bob.auth).send({ maxAmountCents: 5000 });
    expectProblem(refused, 409, 'auction_not_active');
    const res = await buyNow(ctx.alice, listing.id);
    expect(res.body.transaction).toMatchObject({ amountCents: 3000, commissionCents: 180, escrowFeeCents: 199, sellerPayoutCents: 2621 });
  });

  it('racing the buyer’s own account deletion waits for the account lock and refuses the deleted buyer (403): no sale', async () => {
    const buyer = await createUser(ctx.env.deps, { displayName: 'Leaving Lou' });
    const listing = await both();
    const deletion = new Client({ connectionString: ctx.env.databaseUrl });
    await deletion.connect();
    try {
      // The deletion in flight, past its obligations check (no sale yet): the account row locked as deleteAccount locks it.
      await deletion.query('BEGIN');
      await deletion.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [buyer.id]);
      const bought = buyNow(buyer, listing.id).then((res) => res);
      await waitForLockWaiter(deletion);
      await deletion.query('UPDATE users SET deleted_at = now() WHERE id = $1', [buyer.id]);
      await deletion.query('COMMIT');
      expectProblem(await bought, 403, 'bidder_not_allowed');
    } finally {
      await deletion.end();
    }
    expect(await transactionsOf(listing.id)).toEqual([]);
    const row = await ctx.env.deps.db.selectFrom('listings').select(['status', 'winnerId']).where('id', '=', listing.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'active', winnerId: null });
  });

  it('racing the seller’s account deletion is decided after it (no deadlock): the listing is gone (404), no sale', async () => {
    const seller = await createUser(ctx.env.deps, { displayName: 'Closing Cleo' });
    const listing = await createActiveListing(ctx.env.deps, seller.id, { auctionType: 'fixed', startingPriceCents: 3000, buyNowPriceCents: 3000 });
    const deletion = new Client({ connectionString: ctx.env.databaseUrl });
    await deletion.connect();
    try {
      // The deletion in flight, as deleteAccount takes its locks: the account row, then (after a buy-now
      // has started) the seller's listings, which it soft-deletes.
      await deletion.query('BEGIN');
      await deletion.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [seller.id]);
      const bought = buyNow(ctx.alice, listing.id).then((res) => res);
      await waitForLockWaiter(deletion);
      await deletion.query('SELECT id FROM listings WHERE seller_id = $1 AND deleted_at IS NULL ORDER BY id FOR UPDATE', [seller.id]);
      await deletion.query('UPDATE users SET deleted_at = now() WHERE id = $1', [seller.id]);
      await deletion.query('UPDATE listings SET deleted_at = now() WHERE seller_id = $1', [seller.id]);
      await deletion.query('COMMIT');
      expectProblem(await bought, 404, 'not_found');
    } finally {
      await deletion.end();
    }
    expect(await transactionsOf(listing.id)).toEqual([]);
  });
});

describe('buy-now with an Idempotency-Key', () => {
  // A second api on the same database whose requests die past their commit (test/support/dying-api.ts).
  const dyingApi = useDyingApi(() => ctx.env);

  const buyNowWithKey = (user: TestUser, listingId: string, key: string, api = ctx.env.http) =>
    api.post(`/v1/listings/${listingId}/buy-now`).set(user.auth).set('Idempotency-Key', key).send();

  it('a retry after the first request died past its commit gets the same 201 sale, and there is one sale', async () => {
    const listing = await both();
    const key = randomUUID();
    await dyingApi.dieAfterWork(key, (api) => buyNowWithKey(ctx.alice, listing.id, key, api));
    const [sale] = await transactionsOf(listing.id);
    expect(sale).toMatchObject({ buyerId: ctx.alice.id, source: 'buy_now' });
    // The client retries under the same key once the dead request's lease (IDEMPOTENCY_LEASE_MS) is over.
    const retry = await buyNowWithKey(ctx.alice, listing.id, key);
    expect(retry.status).toBe(201);
    expect(retry.body.transaction).toMatchObject({ id: sale.id, buyerId: ctx.alice.id, amountCents: 10_000, status: 'pending_payment' });
    expect(await transactionsOf(listing.id)).toHaveLength(1);
    // Another buyer is still told the listing is gone.
    expectProblem(await buyNowWithKey(ctx.bob, listing.id, key), 409, 'buy_now_unavailable');
  });

  it('a replay answers the stored 201 without buying again', async () => {
    const listing = await both();
    const key = randomUUID();
    const first = await buyNowWithKey(ctx.alice, listing.id, key);
    const replay = await buyNowWithKey(ctx.alice, listing.id, key);
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await transactionsOf(listing.id)).toHaveLength(1);
  });
});
