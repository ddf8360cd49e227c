import { standInClient } from '../../tools/stripe-standin/src/testing';
import { balanceOf, LedgerAccount } from '../../src/modules/ledger';
import {
  buyNowSale,
  findTx,
  ledgerOf,
  openAndResolveDispute,
  payAndFund,
  simulateVerify,
  transfersOf,
  useSellerWithWalletAndBuyer,
  waitForStatus,
  waitForTransactionEvent,
} from './helpers';

const ctx = useSellerWithWalletAndBuyer();

async function funded(amount = 10_000) {
  const tx = await buyNowSale(ctx.env, ctx.seller, ctx.buyer, amount);
  return payAndFund(ctx.env, ctx.buyer, tx.id);
}

async function released() {
  const tx = await funded();
  await simulateVerify(ctx.env.deps, tx.id);
  return waitForStatus(ctx.env.deps, tx.id, 'released');
}

const refundsOf = (paymentIntentId: string) => ctx.env.standIn.listObjects('refund').filter((r) => r.payment_intent === paymentIntentId);
const revenueOf = async (txId: string) => {
  const rows = await ctx.env.deps.db
    .selectFrom('ledgerEntries')
    .select(['accountCode', 'amountCents'])
    .where('transactionId', '=', txId)
    .where('accountCode', 'like', 'revenue:%')
    .execute();
  return rows.reduce((sum, r) => sum + Number(r.amountCents), 0);
};

describe('refunds decided by a dispute', () => {
  it('full refund: one Stripe refund of the amount, `refunded`, escrow back to zero', async () => {
    const tx = await funded();
    const disputeId = await openAndResolveDispute(ctx.env.deps, tx.id, 'refund', 10_000);
    const done = await waitForStatus(ctx.env.deps, tx.id, 'refunded');
    expect(done.refundedCents).toBe(10_000);
    expect(refundsOf(tx.paymentIntentId!).map((r) => [r.id, r.amount, r.metadata.key])).toEqual([
      [done.refundId, 10_000, `refund-${tx.id}-${disputeId}`],
    ]);
    expect(transfersOf(ctx.env, tx.id)).toHaveLength(0);
    const ledger = await ledgerOf(ctx.env.deps, tx.id);
    expect(ledger.movements.map((m) => [m.type, m.sum])).toEqual([
      ['charge', 0],
      ['refund', 0],
    ]);
    expect(ledger.escrow).toBe(0);
  });

  it('partial refund of 3000: refund 3000, then the seller gets 7000 − 420 − 199 = 6381', async () => {
    const tx = await funded();
    await openAndResolveDispute(ctx.env.deps, tx.id, 'partial_refund', 3_000);
    const done = await waitForStatus(ctx.env.deps, tx.id, 'partially_refunded');
    expect(done.refundedCents).toBe(3_000);
    expect(refundsOf(tx.paymentIntentId!).map((r) => r.amount)).toEqual([3_000]);
    expect(transfersOf(ctx.env, tx.id).map((t) => t.amount)).toEqual([6_381]);
    const ledger = await ledgerOf(ctx.env.deps, tx.id);
    expect(ledger.movements.map((m) => m.type)).toEqual(['charge', 'refund', 'release']);
    expect(ledger.escrow).toBe(0);
    expect(await revenueOf(tx.id)).toBe(-(420 + 199));
  });
});

describe('chargebacks', () => {
  it('won before release: the funds come back and the seller is paid', async () => {
    const tx = await funded();
    const cb = ctx.env.standIn.createDispute(tx.chargeId!);
    const disputed = await waitForStatus(ctx.env.deps, tx.id, 'disputed');
    const ours = await ctx.env.deps.db.selectFrom('disputes').selectAll().where('stripeDisputeId', '=', cb.id).executeTakeFirstOrThrow();
    expect(ours).toMatchObject({ source: 'chargeback', status: 'open', transactionId: disputed.id });
    expect(await balanceOf(ctx.env.deps.db, LedgerAccount.chargeback(tx.id))).toBe(10_000);

    ctx.env.standIn.closeDispute(cb.id, 'won');
    await waitForStatus(ctx.env.deps, tx.id, 'released');
    expect(transfersOf(ctx.env, tx.id).map((t) => t.amount)).toEqual([9_201]);
    const ledger = await ledgerOf(ctx.env.deps, tx.id);
    expect(ledger.movements.map((m) => m.type)).toEqual(['charge', 'chargeback', 'chargeback_won', 'release']);
    expect(ledger.escrow).toBe(0);
    expect(await balanceOf(ctx.env.deps.db, LedgerAccount.chargeback(tx.id))).toBe(0);
  });

  it('lost after release: the payout is reversed first, then the chargeback settles the escrow', async () => {
    const tx = await released();
    const cb = ctx.env.standIn.createDispute(tx.chargeId!);
    await waitForStatus(ctx.env.deps, tx.id, 'disputed');
    ctx.env.standIn.closeDispute(cb.id, 'lost');
    const done = await waitForStatus(ctx.env.deps, tx.id, 'refunded');
    expect(done.reversalId).toMatch(/^trr_/);
    const [transfer] = transfersOf(ctx.env, tx.id);
    expect(transfer).toMatchObject({ amount: 9_201, amount_reversed: 9_201 });
    // The card network returned the money: no Stripe refund on a charged-back charge.
    expect(refundsOf(tx.paymentIntentId!)).toHaveLength(0);
    const ledger = await ledgerOf(ctx.env.deps, tx.id);
    expect(ledger.movements.map((m) => m.type)).toEqual(['charge', 'release', 'chargeback', 'reversal', 'chargeback_settlement']);
    for (const m of ledger.movements) expect(m.sum).toBe(0);
    expect(ledger.escrow).toBe(0);
    expect(await balanceOf(ctx.env.deps.db, LedgerAccount.chargeback(tx.id))).toBe(0);
    expect(await revenueOf(tx.id)).toBe(0);
  });

  it('a reversal Stripe refuses becomes staff work; nothing is refunded', async () => {
    const tx = await released();
    // The seller's share is already gone (here: reversed by hand in the dashboard).
    await standInClient(ctx.env.standIn.port).transfers.createReversal(tx.transferId!, { amount: 9_201 });
    const cb = ctx.env.standIn.createDispute(tx.chargeId!);
    await waitForStatus(ctx.env.deps, tx.id, 'disputed');
    ctx.env.standIn.closeDispute(cb.id, 'lost');
    const event = await waitForTransactionEvent(ctx.env.deps, tx.id, 'reversal_failed');
    expect(event.data).toMatchObject({ needsStaff: true, amountCents: 9_201 });
    const audit = await ctx.env.deps.db
      .selectFrom('auditLog')
      .selectAll()
      .where('targetId', '=', tx.id)
      .where('action', '=', 'escrow.reversal_failed')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].actorId).toBeNull();
    const after = await findTx(ctx.env.deps, tx.id);
    expect(after).toMatchObject({ status: 'disputed', refundId: null, reversalId: null, refundedCents: 0 });
  });
});
