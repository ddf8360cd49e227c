import { encodeTimeCursor } from '../../src/shared/time-cursor';
import { createTransaction } from '../escrow-handover/support';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

let env: TestEnv;
let viewer: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  viewer = await createUser(env.deps);
});
afterAll(() => env?.close());

const rate = async (user: TestUser, txId: string, score: number, comment?: string) =>
  expect((await env.http.post(`/v1/transactions/${txId}/rating`).set(user.auth).send({ score, ...(comment ? { comment } : {}) })).status).toBe(201);
const reviews = (userId: string, query: Record<string, string | number> = {}) => env.http.get(`/v1/users/${userId}/reviews`).set(viewer.auth).query(query);

describe('GET /v1/users/:id/reviews', () => {
  it('lists the ratings the user received, newest first, with the reviewer’s side, page by page', async () => {
    const [sam, buyer, otherSeller] = await Promise.all([createUser(env.deps), createUser(env.deps), createUser(env.deps)]);
    const sold = await createTransaction(env.deps, { buyerId: buyer.id, sellerId: sam.id, status: 'released' });
    const bought = await createTransaction(env.deps, { buyerId: sam.id, sellerId: otherSeller.id, status: 'released' });
    await rate(buyer, sold.id, 5, 'Great bike, on time');
    await rate(otherSeller, bought.id, 3);
    await rate(sam, sold.id, 4); // Sam's own rating of the buyer is not a review of Sam

    const first = await reviews(sam.id, { limit: 1 });
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([{ id: expect.any(String), score: 3, comment: null, reviewerRole: 'seller', createdAt: expect.any(String) }]);
    const second = await reviews(sam.id, { limit: 1, cursor: first.body.nextCursor });
    expect(second.body).toEqual({
      items: [{ id: expect.any(String), score: 5, comment: 'Great bike, on time', reviewerRole: 'buyer', createdAt: expect.any(String) }],
      nextCursor: null,
    });
    expect((await reviews(buyer.id)).body.items.map((r: { score: number; reviewerRole: string }) => [r.score, r.reviewerRole])).toEqual([[4, 'seller']]);
  });

  it('answers 404 for an unknown or deleted user and 400 naming a bad cursor', async () => {
    expect((await reviews('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const gone = await createUser(env.deps);
    await env.deps.db.updateTable('users').set({ deletedAt: new Date() }).where('id', '=', gone.id).execute();
    expect((await reviews(gone.id)).status).toBe(404);
    const bad = await reviews(viewer.id, { cursor: 'nope' });
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'cursor']);
    // Shaped like PostgreSQL's text but no real instant (31 February): still 400, not a 500 from ::timestamptz.
    const impossible = await reviews(viewer.id, { cursor: encodeTimeCursor({ key: '2026-02-31 10:00:00+00', id: viewer.id }) });
    expect([impossible.status, impossible.body.errors?.[0]?.field]).toEqual([400, 'cursor']);
  });
});
