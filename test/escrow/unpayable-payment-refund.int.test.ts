import { standInClient } from '../../tools/stripe-standin/src/testing';
import { syncPaymentIntent } from '../../src/modules/escrow';
import { eventually } from '../support/fixtures';
import { buyNowSale, findTx, ledgerOf, payAndFund, useSellerWithWalletAndBuyer, waitForTransactionEvent } from './helpers';

// Issue #10: a payment that succeeded on a transaction no longer payable was only logged. SPEC §3:
// it is refunded automatically (a key per PaymentIntent), with its charge and refund in the ledger.
const ctx = useSellerWithWalletAndBuyer();

describe('a payment that succeeds on a transaction that is no longer payable', () => {
  it('a second PaymentIntent paid on a funded transaction is refunded in full, once, and the sale is untouched', async () => {
    const sale = await buyNowSale(ctx.env, ctx.seller, ctx.buyer, 6_000);
    const funded = await payAndFund(ctx.env, ctx.buyer, sale.id);
    // Another intent for the same transaction (an old app build, a retried checkout) is paid as well.
    const stripe = standInClient(Number(new URL(ctx.env.standIn.url).port));
    const extra = await stripe.paymentIntents.create({
      amount: 6_000,
      currency: 'cad',
      transfer_group: sale.id,
      metadata: { transaction_id: sale.id },
    });
    ctx.env.standIn.confirmPaymentIntent(extra.id, 'pm_card_visa');

    const event = await waitForTransactionEvent(ctx.env.deps, sale.id, 'extra_payment_refunded');
    const refunds = () => ctx.env.standIn.listObjects('refund').filter((r) => r.payment_intent === extra.id);
    expect(refunds().map((r) => r.amount)).toEqual([6_000]);
    expect(event.data).toMatchObject({ paymentIntentId: extra.id, refundId: refunds()[0].id, amountCents: 6_000, status: 'in_escrow' });

    // Processing the event again (a redelivery) refunds nothing more and records nothing more.
    expect(await syncPaymentIntent(ctx.env.deps, extra.id)).toBe('extra_payment_refunded');
    expect(refunds()).toHaveLength(1);
    const events = await ctx.env.deps.db
      .selectFrom('transactionEvents')
      .select('id')
      .where('transactionId', '=', sale.id)
      .where('type', '=', 'extra_payment_refunded')
      .execute();
    expect(events).toHaveLength(1);

    const after = await findTx(ctx.env.deps, sale.id);
    expect(after).toMatchObject({ status: 'in_escrow', chargeId: funded.chargeId, refundId: null, refundedCents: 0 });
    const ledger = await eventually(async () => {
      const l = await ledgerOf(ctx.env.deps, sale.id);
      return l.movements.length === 3 ? l : undefined;
    });
    expect(ledger.movements.map((m) => [m.type, m.sum])).toEqual([
      ['charge', 0],
      ['charge', 0],
      ['late_payment_refund', 0],
    ]);
    // Escrow still holds exactly the one payment the sale was funded with.
    expect(ledger.escrow).toBe(-6_000);
  });
});
