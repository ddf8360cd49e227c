import { standInClient } from '../../tools/stripe-standin/src/testing';
import { eventually } from '../support/fixtures';
import { createUser } from '../support/harness';
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
    const resource = await ctx.env.http.get(`/v1/transactions/${tx.id}`).set(ctx.buyer.auth);
    expect(resource.body).toMatchObject({ refundedCents: 10_000, commissionCents: 0, escrowFeeCents: 0, sellerPayoutCents: 0 });
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
    // What the parties read agrees with the transfer and the sales dashboard, not the creation-time split.
    const resource = await ctx.env.http.get(`/v1/transactions/${tx.id}`).set(ctx.seller.auth);
    expect(resource.body).toMatchObject({
      amountCents: 10_000,
      refundedCents: 3_000,
      commissionCents: 420,
      escrowFeeCents: 199,
      sellerPayoutCents: 6_381,
    });
    const sales = await ctx.env.http.get('/v1/users/me/sales').set(ctx.seller.auth);
    const line = sales.body.items.find((i: { transactionId: string }) => i.transactionId === tx.id);
    expect(line).toMatchObject({ refundedCents: 3_000, commissionCents: 420, escrowFeeCents: 199, netCents: 6_381 });
    const list = await ctx.env.http.get('/v1/users/me/transactions').set(ctx.seller.auth);
    const item = list.body.items.find((i: { id: string }) => i.id === tx.id);
    expect(item).toMatchObject({ refundedCents: 3_000, commissionCents: 420, sellerPayoutCents: 6_381 });
  });
});

/**
 * The buyer opens a party dispute, then the card network opens a chargeback of `amountCents` on the
 * same sale, which the open dispute takes over: answers once its funds are held on the chargeback
 * account of the ledger.
 */
async function chargebackUnderPartyDispute(tx: { id: string; chargeId: string | null }, details: string, amountCents = 10_000) {
  const opened = await ctx.env.http.post(`/v1/transactions/${tx.id}/dispute`).set(ctx.buyer.auth).send({ reason: 'item_not_as_described', details });
  expect(opened.status).toBe(201);
  const cb = ctx.env.standIn.createDispute(tx.chargeId!, { amount: amountCents });
  await eventually(async () => (await balanceOf(ctx.env.deps.db, LedgerAccount.chargeback(tx.id))) === amountCents || undefined);
  return { opened, cb };
}

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

  it('won after release: back to `released`, the payout untouched, the ledger balanced', async () => {
    const tx = await released();
    const cb = ctx.env.standIn.createDispute(tx.chargeId!);
    await waitForStatus(ctx.env.deps, tx.id, 'disputed');
    ctx.env.standIn.closeDispute(cb.id, 'won');
    // The release intent `release-<txId>` already succeeded: only a confirmation, no second payout.
    const done = await waitForStatus(ctx.env.deps, tx.id, 'released');
    expect(done).toMatchObject({ transferId: tx.transferId, refundedCents: 0, reversalId: null });
    expect(transfersOf(ctx.env, tx.id)).toMatchObject([{ id: tx.transferId, amount: 9_201, amount_reversed: 0 }]);
    const ours = await ctx.env.deps.db.selectFrom('disputes').selectAll().where('stripeDisputeId', '=', cb.id).executeTakeFirstOrThrow();
    expect(ours).toMatchObject({ status: 'resolved', resolution: 'release' });
    await waitForTransactionEvent(ctx.env.deps, tx.id, 'escrow_release_confirmed');
    const ledger = await ledgerOf(ctx.env.deps, tx.id);
    expect(ledger.movements.map((m) => m.type)).toEqual(['charge', 'release', 'chargeback', 'chargeback_won']);
    for (const m of ledger.movements) expect(m.sum).toBe(0);
    expect(ledger.escrow).toBe(0);
    expect(await balanceOf(ctx.env.deps.db, LedgerAccount.chargeback(tx.id))).toBe(0);
    expect(await revenueOf(tx.id)).toBe(-(600 + 199));
    const resource = await ctx.env.http.get(`/v1/transactions/${tx.id}`).set(ctx.seller.auth);
    expect(resource.body.status).toBe('released');
  });

  /** A funded sale whose QR payout is still being sent (the transfer held 6 s) when a chargeback freezes it. */
  async function chargebackDuringQrPayout() {
    const tx = await funded();
    ctx.env.standIn.failNext({ method: 'POST', pathPrefix: '/v1/transfers', mode: 'delay', delayMs: 6_000 });
    await simulateVerify(ctx.env.deps, tx.id);
    const intentOf = () => ctx.env.deps.db.selectFrom('moneyIntents').selectAll().where('key', '=', `release-${tx.id}`).executeTakeFirst();
    await eventually(async () => (await intentOf())?.status === 'running' || undefined);
    const cb = ctx.env.standIn.createDispute(tx.chargeId!);
    await waitForStatus(ctx.env.deps, tx.id, 'disputed');
    return { tx, cb };
  }

  it('won while the QR-triggered transfer is in flight: the late payout ends `released`, not `disputed`', async () => {
    const { tx, cb } = await chargebackDuringQrPayout();
    ctx.env.standIn.closeDispute(cb.id, 'won');
    await eventually(() =>
      ctx.env.deps.db
        .selectFrom('disputes')
        .selectAll()
        .where('stripeDisputeId', '=', cb.id)
        .where('status', '=', 'resolved')
        .executeTakeFirst(),
    );
    // The decision came before the transfer was recorded (the in-flight release still owns the intent).
    expect((await findTx(ctx.env.deps, tx.id)).transferId).toBeNull();
    const done = await waitForStatus(ctx.env.deps, tx.id, 'released', 20_000);
    expect(transfersOf(ctx.env, tx.id).map((t) => t.amount)).toEqual([9_201]);
    expect(done.transferId).toBe(transfersOf(ctx.env, tx.id)[0].id);
    const ledger = await ledgerOf(ctx.env.deps, tx.id);
    expect(ledger.movements.map((m) => m.type).sort()).toEqual(['chargeback', 'chargeback_won', 'charge', 'release'].sort());
    expect(ledger.escrow).toBe(0);
    expect(await balanceOf(ctx.env.deps.db, LedgerAccount.chargeback(tx.id))).toBe(0);
  }, 45_000);

  /** The seller's payout reversed, the buyer's money settled from the chargeback, nothing kept or paid twice. */
  async function expectLostChargebackSettled(txId: string) {
    const [transfer] = transfersOf(ctx.env, txId);
    expect(transfersOf(ctx.env, txId)).toHaveLength(1);
    expect(transfer).toMatchObject({ amount: 9_201, amount_reversed: 9_201 });
    const ledger = await ledgerOf(ctx.env.deps, txId);
    expect(ledger.movements.map((m) => m.type).sort()).toEqual(['charge', 'chargeback', 'release', 'reversal', 'chargeback_settlement'].sort());
    for (const m of ledger.movements) expect(m.sum).toBe(0);
    expect(ledger.escrow).toBe(0);
    expect(await balanceOf(ctx.env.deps.db, LedgerAccount.chargeback(txId))).toBe(0);
    expect(await revenueOf(txId)).toBe(0);
  }

  it('lost while the QR-triggered transfer is in flight: the refund waits for the payout, then reverses it', async () => {
    const { tx, cb } = await chargebackDuringQrPayout();
    ctx.env.standIn.closeDispute(cb.id, 'lost');
    const done = await waitForStatus(ctx.env.deps, tx.id, 'refunded', 30_000);
    expect(done).toMatchObject({ transferId: expect.stringMatching(/^tr_/), reversalId: expect.stringMatching(/^trr_/), refundedCents: 10_000 });
    expect(refundsOf(tx.paymentIntentId!)).toHaveLength(0);
    await expectLostChargebackSettled(tx.id);
  }, 45_000);

  it('lost after a payout Stripe made but we never recorded (a crash): the refund finds it, records and reverses it', async () => {
    const tx = await funded();
    const account = await ctx.env.deps.db.selectFrom('sellerAccounts').select('stripeAccountId').where('userId', '=', ctx.seller.id).executeTakeFirstOrThrow();
    // What a release that crashed between Stripe and its commit leaves: a transfer only Stripe knows of.
    await ctx.env.workerDeps.payments.createTransfer({ transactionId: tx.id, amountCents: 9_201, destination: account.stripeAccountId, sourceCharge: tx.chargeId! });
    const cb = ctx.env.standIn.createDispute(tx.chargeId!);
    await waitForStatus(ctx.env.deps, tx.id, 'disputed');
    ctx.env.standIn.closeDispute(cb.id, 'lost');
    const done = await waitForStatus(ctx.env.deps, tx.id, 'refunded', 30_000);
    expect(done).toMatchObject({ transferId: transfersOf(ctx.env, tx.id)[0].id, reversalId: expect.stringMatching(/^trr_/) });
    await expectLostChargebackSettled(tx.id);
  }, 45_000);

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

  it.each([
    // The funds came back from the card network: the buyer's refund goes to the card.
    { outcome: 'won' as const, cardRefunds: [10_000], last: ['chargeback_won', 'refund'] },
    // The card network already returned the money: the refund settles against it, nothing refunded twice.
    { outcome: 'lost' as const, cardRefunds: [], last: ['chargeback_settlement'] },
  ])('$outcome while a party dispute held the sale: the staff refund settles once', async ({ outcome, cardRefunds, last }) => {
    const tx = await funded();
    const { opened, cb } = await chargebackUnderPartyDispute(tx, 'The frame is cracked.');
    // The open party dispute took the chargeback over: no dispute of its own, so the issuer's decision is left to staff.
    expect(await ctx.env.deps.db.selectFrom('disputes').select('id').where('transactionId', '=', tx.id).execute()).toEqual([
      { id: opened.body.id },
    ]);
    ctx.env.standIn.closeDispute(cb.id, outcome);
    await eventually(() =>
      ctx.env.deps.db
        .selectFrom('stripeEvents')
        .select('id')
        .where('type', '=', 'charge.dispute.closed')
        .where('objectId', '=', cb.id)
        .where('processedAt', 'is not', null)
        .executeTakeFirst(),
    );

    const support = await createUser(ctx.env.deps, { role: 'support' });
    const resolved = await ctx.env.http
      .post(`/v1/admin/disputes/${opened.body.id}/resolve`)
      .set(support.auth)
      .send({ resolution: 'refund', note: 'Item never handed over.' });
    expect(resolved.status).toBe(200);
    const intent = await eventually(async () => {
      const row = await ctx.env.deps.db
        .selectFrom('moneyIntents')
        .selectAll()
        .where('key', '=', `refund-${tx.id}-${opened.body.id}`)
        .executeTakeFirst();
      return row && row.attempts >= 1 && row.status !== 'running' ? row : undefined;
    });
    expect(intent).toMatchObject({ status: 'succeeded', lastOutcome: 'refunded' });
    expect(await findTx(ctx.env.deps, tx.id)).toMatchObject({ status: 'refunded', refundedCents: 10_000, transferId: null });
    expect(refundsOf(tx.paymentIntentId!).map((r) => r.amount)).toEqual(cardRefunds);
    const ledger = await ledgerOf(ctx.env.deps, tx.id);
    expect(ledger.movements.map((m) => m.type)).toEqual(['charge', 'chargeback', ...last]);
    for (const m of ledger.movements) expect(m.sum).toBe(0);
    expect(ledger.escrow).toBe(0);
    expect(await balanceOf(ctx.env.deps.db, LedgerAccount.chargeback(tx.id))).toBe(0);
  });

  it.each([
    { outcome: null, label: 'still undecided' },
    { outcome: 'lost' as const, label: 'lost' },
  ])(
    'a chargeback $label under a party dispute: staff may not pay the seller what the card network holds (409), only refund',
    async ({ outcome }) => {
      const tx = await funded();
      const { opened, cb } = await chargebackUnderPartyDispute(tx, 'The frame is cracked.');
      if (outcome) {
        ctx.env.standIn.closeDispute(cb.id, outcome);
        await waitForTransactionEvent(ctx.env.deps, tx.id, 'chargeback_lost');
      }

      const support = await createUser(ctx.env.deps, { role: 'support' });
      const decide = (body: Record<string, unknown>) =>
        ctx.env.http.post(`/v1/admin/disputes/${opened.body.id}/resolve`).set(support.auth).send(body);
      for (const body of [
        { resolution: 'release', note: 'Seller showed the handover.' },
        { resolution: 'partial_refund', amountCents: 2_000, note: 'Minor damage.' },
      ]) {
        const refused = await decide(body);
        expect(refused.status).toBe(409);
        expect(refused.body).toMatchObject({ code: 'chargeback_funds_held' });
      }
      const dispute = await ctx.env.deps.db.selectFrom('disputes').selectAll().where('id', '=', opened.body.id).executeTakeFirstOrThrow();
      expect(dispute.status).toBe('open');
      expect(await ctx.env.deps.db.selectFrom('moneyIntents').select('key').where('transactionId', '=', tx.id).where('kind', '=', 'release').execute()).toEqual([]);

      // A full refund stays possible: it is settled against the funds the card network holds.
      expect((await decide({ resolution: 'refund', note: 'Refunded through the chargeback.' })).status).toBe(200);
      await waitForStatus(ctx.env.deps, tx.id, 'refunded');
      expect(transfersOf(ctx.env, tx.id)).toHaveLength(0);
      expect(refundsOf(tx.paymentIntentId!)).toHaveLength(0);
    },
  );

  it('a partial chargeback under a party dispute: a partial refund of what the network holds settles it, the seller gets the rest', async () => {
    const tx = await funded();
    const { opened } = await chargebackUnderPartyDispute(tx, 'One wheel is missing.', 3_000);
    const support = await createUser(ctx.env.deps, { role: 'support' });
    const decide = (body: Record<string, unknown>) =>
      ctx.env.http.post(`/v1/admin/disputes/${opened.body.id}/resolve`).set(support.auth).send(body);
    const refused = await decide({ resolution: 'partial_refund', amountCents: 2_999, note: 'Missing wheel.' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'chargeback_funds_held', chargebackHeldCents: 3_000 });
    expect((await decide({ resolution: 'partial_refund', amountCents: 3_000, note: 'Missing wheel.' })).status).toBe(200);
    const done = await waitForStatus(ctx.env.deps, tx.id, 'partially_refunded');
    expect(done.refundedCents).toBe(3_000);
    expect(refundsOf(tx.paymentIntentId!)).toHaveLength(0);
    expect(transfersOf(ctx.env, tx.id).map((t) => t.amount)).toEqual([6_381]);
    expect(await balanceOf(ctx.env.deps.db, LedgerAccount.chargeback(tx.id))).toBe(0);
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
