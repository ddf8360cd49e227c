/**
 * Documented (route, status) pairs of the money and bidding routes that no feature test exercised
 * (test-results/contract-coverage.md): each is provoked here once, and the shared hook checks the
 * answer against the document as for every other test.
 */
import { createActiveListing } from '../support/fixtures';
import { expectProblem } from '../support/http';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

const NOBODY = '00000000-0000-4000-8000-000000000000';

let env: TestEnv;
let seller: TestUser;
let buyer: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  seller = await createUser(env.deps);
  buyer = await createUser(env.deps);
});
afterAll(() => env.close());

describe('bidding and money routes: the 404s and 2xx no feature test reached', () => {
  it('answers 404 for a bid, a buy-now, a history and an event page of a listing that does not exist', async () => {
    expectProblem(await env.http.post(`/v1/listings/${NOBODY}/bids`).set(buyer.auth).send({ maxAmountCents: 1_000 }), 404);
    expectProblem(await env.http.post(`/v1/listings/${NOBODY}/buy-now`).set(buyer.auth).send({}), 404);
    expectProblem(await env.http.get(`/v1/listings/${NOBODY}/bids`).set(buyer.auth), 404);
    expectProblem(await env.http.get(`/v1/listings/${NOBODY}/events`).set(buyer.auth), 404);
  });

  it('answers 404 to a stranger paying, or reading the messages of, a transaction that is not theirs', async () => {
    expectProblem(await env.http.post(`/v1/transactions/${NOBODY}/pay`).set(buyer.auth).send({}), 404);
    expectProblem(await env.http.post(`/v1/transactions/${NOBODY}/messages/read`).set(buyer.auth).send({}), 404);
  });

  it('lists the watchlist (200) and refuses watching an ended listing (409)', async () => {
    const listing = await createActiveListing(env.deps, seller.id);
    expect((await env.http.post(`/v1/listings/${listing.id}/watch`).set(buyer.auth)).status).toBe(200);
    const watchlist = await env.http.get('/v1/users/me/watchlist').set(buyer.auth);
    expect(watchlist.status).toBe(200);
    const ended = await createActiveListing(env.deps, seller.id, { status: 'ended_unsold' });
    expectProblem(await env.http.post(`/v1/listings/${ended.id}/watch`).set(buyer.auth), 409, 'listing_not_watchable');
  });

  it("shows a user's reviews (200) and 404 for an unknown user", async () => {
    expect((await env.http.get(`/v1/users/${seller.id}/reviews`).set(buyer.auth)).status).toBe(200);
    expectProblem(await env.http.get(`/v1/users/${NOBODY}/reviews`).set(buyer.auth), 404);
  });
});
