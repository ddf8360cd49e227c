import { standInClient } from '../../tools/stripe-standin/src/testing';
import { reconcile } from '../../src/modules/ledger';
import { syncPaymentIntent } from '../../src/modules/escrow';
import { buyNowSale, findTx, ledgerOf, pay, useSellerWithWalletAndBuyer, waitForStatus } from './helpers';

// A PaymentIntent cancelled in the Stripe dashboard can never be paid: `/pay` used to hand out its
// client secret forever. It now replaces the cancelled intent with a new one, once, and the webhook,
// the ledger and reconciliation follow the new one.
const ctx = useSellerWithWalletAndBuyer();
const stripe = () => standInClient(ctx.env.standIn.port);
const intentsOf = (txId: string) => ctx.env.standIn.listObjects('payment_intent').filter((pi) => pi.transfer_group === txId);

describe('POST /transactions/:id/pay after the PaymentIntent was cancelled at Stripe', () => {
  it('hands out a new intent (one, even for concurrent calls), and the sale is funded by it', async () => {
    const sale = await buyNowSale(ctx.env, ctx.seller, ctx.buyer, 7_000);
    const first = await pay(ctx.env, ctx.buyer, sale.id);
    expect(first.status).toBe(200);
    await stripe().paymentIntents.cancel(first.body.paymentIntentId, { cancellation_reason: 'requested_by_customer' });

    // Concurrent taps after the cancellation: both get the same new, payable intent.
    const [a, b] = await Promise.all([pay(ctx.env, ctx.buyer, sale.id), pay(ctx.env, ctx.buyer, sale.id)]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.paymentIntentId).not.toBe(first.body.paymentIntentId);
    expect(b.body).toEqual(a.body);
    expect(a.body).toMatchObject({ status: 'requires_payment_method', amountCents: 7_000, currency: 'CAD' });
    expect(a.body.clientSecret).toMatch(new RegExp(`^${a.body.paymentIntentId}_secret_`));
    expect(intentsOf(sale.id).map((pi) => [pi.id, pi.status])).toEqual([
      [first.body.paymentIntentId, 'canceled'],
      [a.body.paymentIntentId, 'requires_payment_method'],
    ]);
    expect((await findTx(ctx.env.deps, sale.id)).paymentIntentId).toBe(a.body.paymentIntentId);
    // A later call keeps handing out the new one.
    expect((await pay(ctx.env, ctx.buyer, sale.id)).body.paymentIntentId).toBe(a.body.paymentIntentId);

    // The old intent's `payment_intent.canceled` (processed again here) moves nothing.
    expect(await syncPaymentIntent(ctx.env.deps, first.body.paymentIntentId)).toBe('still_pending');
    expect((await findTx(ctx.env.deps, sale.id)).status).toBe('pending_payment');

    ctx.env.standIn.confirmPaymentIntent(a.body.paymentIntentId, 'pm_card_visa');
    const funded = await waitForStatus(ctx.env.deps, sale.id, 'in_escrow');
    const paid = intentsOf(sale.id).find((pi) => pi.id === a.body.paymentIntentId)!;
    expect(funded).toMatchObject({ paymentIntentId: paid.id, chargeId: paid.latest_charge });
    const ledger = await ledgerOf(ctx.env.deps, sale.id);
    expect(ledger.movements.map((m) => [m.type, m.stripeObjectId])).toEqual([['charge', paid.latest_charge]]);
    expect(ledger.escrow).toBe(-7_000);
    expect((await reconcile(ctx.env.deps)).orphans.filter((o) => o.transactionId === sale.id)).toEqual([]);

    const started = await ctx.env.deps.db
      .selectFrom('transactionEvents')
      .select('data')
      .where('transactionId', '=', sale.id)
      .where('type', '=', 'payment_started')
      .orderBy('id')
      .execute();
    expect(started.map((e) => e.data)).toEqual([
      { paymentIntentId: first.body.paymentIntentId },
      { paymentIntentId: a.body.paymentIntentId, replacesPaymentIntentId: first.body.paymentIntentId },
    ]);
  });

  it('replaces each cancelled intent in turn (a second cancellation gets a third intent)', async () => {
    const sale = await buyNowSale(ctx.env, ctx.seller, ctx.buyer, 3_000);
    const first = await pay(ctx.env, ctx.buyer, sale.id);
    await stripe().paymentIntents.cancel(first.body.paymentIntentId);
    const second = await pay(ctx.env, ctx.buyer, sale.id);
    await stripe().paymentIntents.cancel(second.body.paymentIntentId);
    const third = await pay(ctx.env, ctx.buyer, sale.id);
    expect(third.status).toBe(200);
    expect(new Set([first.body.paymentIntentId, second.body.paymentIntentId, third.body.paymentIntentId]).size).toBe(3);
    expect(third.body.status).toBe('requires_payment_method');
    expect(intentsOf(sale.id)).toHaveLength(3);
  });

  it('a duplicate waiting on a slow replacement gets the new intent, not the cancelled one', async () => {
    const sale = await buyNowSale(ctx.env, ctx.seller, ctx.buyer, 4_000);
    const old = await pay(ctx.env, ctx.buyer, sale.id);
    await stripe().paymentIntents.cancel(old.body.paymentIntentId);
    // Stripe holds the replacement's create, its key in flight: the duplicate's create gets 409 and waits.
    ctx.env.standIn.failNext({ method: 'POST', pathPrefix: '/v1/payment_intents', mode: 'delay', delayMs: 1_500 });
    const first = pay(ctx.env, ctx.buyer, sale.id).then((res) => res);
    await new Promise((r) => setTimeout(r, 300));
    const [a, b] = await Promise.all([first, pay(ctx.env, ctx.buyer, sale.id)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.paymentIntentId).not.toBe(old.body.paymentIntentId);
    expect(b.body).toEqual(a.body);
    expect(intentsOf(sale.id)).toHaveLength(2);
  });
});
