import { createUser, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';
import { createTransaction, useTransactionParties } from './support';

const ctx = useTransactionParties();

const rate = (user: TestUser, txId: string, body: Record<string, unknown>) =>
  ctx.env.http.post(`/v1/transactions/${txId}/rating`).set(user.auth).send(body);
const released = () => createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: ctx.seller.id, status: 'released' });
const profile = async (user: TestUser) => (await ctx.env.http.get(`/v1/users/${user.id}/profile`).set(ctx.stranger.auth)).body;

describe('ratings', () => {
  it('each party rates the other once after the release; the profile shows the average to one decimal', async () => {
    expect(await profile(ctx.seller)).toMatchObject({ ratingAverage: null, ratingCount: 0 });
    const scores = [5, 4, 4];
    for (const score of scores) {
      const tx = await released();
      const byBuyer = await rate(ctx.buyer, tx.id, { score, comment: 'Smooth pickup.' });
      expect(byBuyer.status).toBe(201);
      expect(byBuyer.body).toMatchObject({
        transactionId: tx.id,
        raterId: ctx.buyer.id,
        rateeId: ctx.seller.id,
        score,
        comment: 'Smooth pickup.',
      });
      const bySeller = await rate(ctx.seller, tx.id, { score: 3 });
      expect(bySeller.body).toMatchObject({ raterId: ctx.seller.id, rateeId: ctx.buyer.id, score: 3, comment: null });
    }
    // (5 + 4 + 4) / 3 = 4.333… → 4.3
    expect(await profile(ctx.seller)).toMatchObject({ ratingAverage: 4.3, ratingCount: 3 });
    expect(await profile(ctx.buyer)).toMatchObject({ ratingAverage: 3, ratingCount: 3 });
    expect((await profile(ctx.seller)).phoneNumber).toBeUndefined();
  });

  it('once per side: a second rating (even concurrent) is 409 already_rated', async () => {
    const tx = await released();
    const answers = await Promise.all([rate(ctx.buyer, tx.id, { score: 5 }), rate(ctx.buyer, tx.id, { score: 1 })]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expectProblem(
      answers.find((a) => a.status === 409)!,
      409,
      'already_rated',
    );
    expectProblem(await rate(ctx.buyer, tx.id, { score: 2 }), 409, 'already_rated');
    expect(await ctx.env.deps.db.selectFrom('ratings').select('id').where('transactionId', '=', tx.id).execute()).toHaveLength(1);
  });

  it('only after the release (409 otherwise); a partial refund released the rest, so it counts', async () => {
    for (const status of ['pending_payment', 'in_escrow', 'disputed', 'refunded'] as const) {
      const tx = await createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: ctx.seller.id, status });
      expectProblem(await rate(ctx.buyer, tx.id, { score: 4 }), 409, 'transaction_not_released');
    }
    const partly = await createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: ctx.seller.id, status: 'partially_refunded' });
    expect((await rate(ctx.buyer, partly.id, { score: 3 })).status).toBe(201);
  });

  it('not a party whose account is deleted (409 party_account_deleted): nothing stored, no notice', async () => {
    const gone = await createUser(ctx.env.deps);
    const tx = await createTransaction(ctx.env.deps, { buyerId: ctx.buyer.id, sellerId: gone.id, status: 'released' });
    await ctx.env.deps.db.updateTable('users').set({ deletedAt: new Date() }).where('id', '=', gone.id).execute();
    expectProblem(await rate(ctx.buyer, tx.id, { score: 1 }), 409, 'party_account_deleted');
    expect(await ctx.env.deps.db.selectFrom('ratings').select('id').where('transactionId', '=', tx.id).execute()).toEqual([]);
  });

  it('only the parties: stranger 404, staff 403, anonymous 401; score 1–5 (400)', async () => {
    const tx = await released();
    expectProblem(await rate(ctx.stranger, tx.id, { score: 1 }), 404, 'not_found');
    expectProblem(await rate(ctx.support, tx.id, { score: 1 }), 403, 'not_a_party');
    expectProblem(await ctx.env.http.post(`/v1/transactions/${tx.id}/rating`).send({ score: 1 }), 401);
    for (const score of [0, 6, 3.5, '5']) expectProblem(await rate(ctx.buyer, tx.id, { score }), 400, 'validation_failed');
    expectProblem(await rate(ctx.buyer, tx.id, { score: 5, comment: 'x'.repeat(1001) }), 400, 'validation_failed');
    expect(await ctx.env.deps.db.selectFrom('ratings').select('id').where('transactionId', '=', tx.id).execute()).toHaveLength(0);
  });
});
