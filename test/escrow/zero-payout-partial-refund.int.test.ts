import { buyNowSale, ledgerOf, openAndResolveDispute, payAndFund, transfersOf, useSellerWithWalletAndBuyer, waitForStatus } from './helpers';

const ctx = useSellerWithWalletAndBuyer();

describe('a partial refund that leaves the seller exactly 0 (SPEC §1 refuses only negative payouts)', () => {
  it('refunds the buyer, keeps our fees and closes the sale without a 0-amount Stripe transfer', async () => {
    const sale = await buyNowSale(ctx.env, ctx.seller, ctx.buyer, 10_000);
    const tx = await payAndFund(ctx.env, ctx.buyer, sale.id);
    // 9788 refunded leaves 212: commission 13 (6 %, half up), escrow fee 199 → the seller gets 0.
    await openAndResolveDispute(ctx.env.deps, tx.id, 'partial_refund', 9_788);
    const done = await waitForStatus(ctx.env.deps, tx.id, 'partially_refunded');
    expect(done).toMatchObject({ refundedCents: 9_788, transferId: null });
    expect(done.releasedAt).not.toBeNull();
    expect(transfersOf(ctx.env, tx.id)).toHaveLength(0);
    const refunds = ctx.env.standIn.listObjects('refund').filter((r) => r.payment_intent === tx.paymentIntentId);
    expect(refunds.map((r) => r.amount)).toEqual([9_788]);
    const ledger = await ledgerOf(ctx.env.deps, tx.id);
    expect(ledger.movements.map((m) => [m.type, m.sum])).toEqual([
      ['charge', 0],
      ['refund', 0],
      ['release', 0],
    ]);
    expect(ledger.escrow).toBe(0);
    const revenue = await ctx.env.deps.db
      .selectFrom('ledgerEntries')
      .select('amountCents')
      .where('transactionId', '=', tx.id)
      .where('accountCode', 'like', 'revenue:%')
      .execute();
    expect(revenue.reduce((sum, r) => sum + Number(r.amountCents), 0)).toBe(-(13 + 199));
    const notices = await ctx.env.deps.db
      .selectFrom('notifications')
      .select('dedupeKey')
      .where('userId', '=', ctx.seller.id)
      .where('dedupeKey', '=', `escrow-released-${tx.id}`)
      .execute();
    expect(notices).toHaveLength(0);
  });
});
