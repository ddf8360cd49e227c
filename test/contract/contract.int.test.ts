import { createActiveListing } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { documentedResponses, exercisedResponses, expectResponseMatches, validateResponse } from '../support/contract';

let env: TestEnv;
let seller: TestUser;
let buyer: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  seller = await createUser(env.deps, { displayName: 'Sam' });
  buyer = await createUser(env.deps, { displayName: 'Bea' });
});
afterAll(() => env.close());

describe('validateResponse against real answers', () => {
  it('accepts documented success bodies (categories, a listing, the buy-now transaction)', async () => {
    const categories = await env.http.get('/v1/categories');
    expectResponseMatches('GET', '/v1/categories', categories.status, categories.body, categories.headers['content-type']);

    const listing = await createActiveListing(env.deps, seller.id, {
      auctionType: 'fixed',
      startingPriceCents: 4_000,
      buyNowPriceCents: 4_000,
    });
    const shown = await env.http.get(`/v1/listings/${listing.id}`).set(buyer.auth);
    expect(shown.status).toBe(200);
    expectResponseMatches('GET', '/v1/listings/{id}', shown.status, shown.body, shown.headers['content-type']);

    const sale = await env.http.post(`/v1/listings/${listing.id}/buy-now`).set(buyer.auth).send({});
    expect(sale.status).toBe(201);
    expectResponseMatches('POST', '/v1/listings/{id}/buy-now', sale.status, sale.body, sale.headers['content-type']);
    // What the document used to promise (a bare Transaction) is not what the route answers.
    expect(validateResponse('POST', '/v1/listings/{id}/buy-now', 201, sale.body.transaction, 'application/json').ok).toBe(false);
  });

  it('validates problems: documented error statuses and the default', async () => {
    const missing = await env.http.get('/v1/listings/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expectResponseMatches('GET', '/v1/listings/{id}', 404, missing.body, missing.headers['content-type']);
    const anonymous = await env.http.get('/v1/users/me');
    expect(anonymous.status).toBe(401);
    expectResponseMatches('GET', '/v1/users/me', 401, anonymous.body, anonymous.headers['content-type']);
  });

  it('names each mismatch: wrong type, missing property, wrong media type, undocumented success status', async () => {
    const me = await env.http.get('/v1/users/me').set(buyer.auth);
    const bad = validateResponse('GET', '/v1/users/me', 200, { ...me.body, id: 42, role: undefined }, 'application/json');
    expect(bad.ok).toBe(false);
    const errors = bad.ok ? [] : bad.errors.join('\n');
    expect(errors).toMatch(/\/id must be string/);
    expect(errors).toMatch(/must have required property 'role'/);
    expect(validateResponse('GET', '/v1/users/me', 200, me.body, 'text/html')).toEqual({
      ok: false,
      errors: [expect.stringMatching(/content-type text\/html/)],
    });
    expect(validateResponse('GET', '/v1/users/me', 201, me.body, 'application/json').ok).toBe(false);
    expect(validateResponse('GET', '/v1/nowhere', 200, {}, 'application/json').ok).toBe(false);
    expect(validateResponse('DELETE', '/v1/auth/logout', 204, undefined).ok).toBe(true);
  });

  it('lists documented (route, status) pairs and records which were exercised', () => {
    const pairs = documentedResponses().map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(pairs).toEqual(expect.arrayContaining(['POST /v1/listings/{id}/bids 202', 'POST /v1/listings/{id}/buy-now 201']));
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(exercisedResponses()).toEqual(expect.arrayContaining(['GET /v1/categories 200', 'POST /v1/listings/{id}/buy-now 201']));
  });
});
