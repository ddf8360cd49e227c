/**
 * SPEC §9 / issue #13: the events that were not notified before — a listing cancelled (bidders and
 * watchers), a retraction that moves the lead (new leader and former leader), a refund executed
 * (buyer), a rating received (rated user) — each delivered by the real workers.
 */
import { createActiveListing, eventually } from '../support/fixtures';
import { createUser, type TestUser } from '../support/harness';
import { createTransaction } from '../escrow-handover/support';
import { buyNowSale, openAndResolveDispute, openWallet, payAndFund, waitForStatus } from '../escrow/helpers';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';

let env: StripeTestEnv;
let seller: TestUser;

beforeAll(async () => {
  env = await createStripeTestEnv();
  seller = await createUser(env.deps, { displayName: 'Sam' });
  await openWallet(env, seller);
});
afterAll(() => env.close());

const rowsOf = (userId: string, type: string) =>
  env.deps.db.selectFrom('notifications').select(['type', 'title', 'body', 'data']).where('userId', '=', userId).where('type', '=', type).execute();
const oneOf = (userId: string, type: string) => eventually(async () => (await rowsOf(userId, type))[0]);

describe('notified events', () => {
  it('a seller cancelling a listing tells its watchers (not the seller)', async () => {
    const watcher = await createUser(env.deps);
    const listing = await createActiveListing(env.deps, seller.id, { title: 'Canoe' });
    expect((await env.http.post(`/v1/listings/${listing.id}/watch`).set(watcher.auth)).status).toBeLessThan(300);
    expect((await env.http.delete(`/v1/listings/${listing.id}`).set(seller.auth)).status).toBeLessThan(300);
    const notice = await oneOf(watcher.id, 'listing_cancelled');
    expect(notice).toMatchObject({ title: 'Listing cancelled', body: '"Canoe" was cancelled by its seller.', data: { listingId: listing.id } });
    expect(await rowsOf(seller.id, 'listing_cancelled')).toEqual([]);
  });

  it('a staff takedown tells every bidder and watcher, in their language', async () => {
    const [admin, bidder, watcher] = await Promise.all([createUser(env.deps, { role: 'admin' }), createUser(env.deps), createUser(env.deps)]);
    await env.http.patch('/v1/users/me').set(watcher.auth).send({ locale: 'fr' });
    const listing = await createActiveListing(env.deps, seller.id, { title: 'Kayak', endsInMs: 48 * 3_600_000 });
    expect((await env.http.post(`/v1/listings/${listing.id}/bids`).set(bidder.auth).send({ maxAmountCents: 900 })).status).toBe(201);
    await env.http.post(`/v1/listings/${listing.id}/watch`).set(watcher.auth);
    const down = await env.http.post(`/v1/admin/listings/${listing.id}/cancel`).set(admin.auth).send({ reason: 'Counterfeit' });
    expect(down.status).toBe(200);
    expect((await oneOf(bidder.id, 'listing_cancelled')).body).toBe('"Kayak" was cancelled by Biddt.');
    expect((await oneOf(watcher.id, 'listing_cancelled')).body).toBe('«\u00a0Kayak\u00a0» a été annulé par Biddt.');
    expect((await oneOf(seller.id, 'listing_cancelled')).body).toBe('"Kayak" was taken down: Counterfeit');
  });

  it('a retraction that moves the lead tells the new leader and the former one; one below the leader tells nobody', async () => {
    const [alice, bob, carol] = await Promise.all([createUser(env.deps), createUser(env.deps), createUser(env.deps)]);
    const listing = await createActiveListing(env.deps, seller.id, { title: 'Tent', endsInMs: 48 * 3_600_000 });
    const bid = async (u: TestUser, max: number) => {
      const res = await env.http.post(`/v1/listings/${listing.id}/bids`).set(u.auth).send({ maxAmountCents: max });
      expect(res.status).toBe(201);
      return res.body.bid.id as string;
    };
    await bid(alice, 1000);
    const carolBid = await bid(carol, 1200);
    const bobBid = await bid(bob, 3000);
    // Carol is below the leader: retracting changes the price, not the lead.
    expect((await env.http.delete(`/v1/bids/${carolBid}`).set(carol.auth)).status).toBe(200);
    expect((await env.http.delete(`/v1/bids/${bobBid}`).set(bob.auth)).status).toBe(200);

    const lead = await oneOf(alice.id, 'now_leading');
    expect(lead.body).toBe('A bidder retracted on "Tent": you lead now at $5.00.');
    expect((await oneOf(bob.id, 'bids_retracted')).body).toBe('Your bids on "Tent" were retracted; another bidder leads at $5.00.');
    expect(await rowsOf(carol.id, 'bids_retracted')).toEqual([]);
    expect(await rowsOf(bob.id, 'now_leading')).toEqual([]);
  });

  it('a refund executed tells the buyer', async () => {
    const buyer = await createUser(env.deps);
    const tx = await buyNowSale(env, seller, buyer, 10_000);
    await payAndFund(env, buyer, tx.id);
    await openAndResolveDispute(env.deps, tx.id, 'refund', 10_000);
    await waitForStatus(env.deps, tx.id, 'refunded');
    const notice = await oneOf(buyer.id, 'refund_issued');
    expect(notice).toMatchObject({ title: 'Refund issued', data: { transactionId: tx.id, amountCents: 10_000 } });
    expect(notice.body).toBe('$100.00 was refunded to your card in full. Banks take 5 to 10 days to show it.');
    expect(await rowsOf(seller.id, 'refund_issued')).toEqual([]);
  });

  it('a rating received tells the rated user, once', async () => {
    const buyer = await createUser(env.deps);
    const tx = await createTransaction(env.deps, { buyerId: buyer.id, sellerId: seller.id, status: 'released' });
    const rate = () => env.http.post(`/v1/transactions/${tx.id}/rating`).set(buyer.auth).send({ score: 5, comment: 'Great' });
    expect((await rate()).status).toBe(201);
    expect((await rate()).status).toBe(409);
    const notice = await eventually(async () => (await rowsOf(seller.id, 'rating_received')).find((n) => (n.data as { transactionId?: string }).transactionId === tx.id));
    expect(notice.body).toBe('You received a rating of 5/5 with a comment. See it on your profile.');
    await new Promise((r) => setTimeout(r, 300));
    expect((await rowsOf(seller.id, 'rating_received')).filter((n) => (n.data as { transactionId?: string }).transactionId === tx.id)).toHaveLength(1);
    expect(await rowsOf(buyer.id, 'rating_received')).toEqual([]);
  });
});
