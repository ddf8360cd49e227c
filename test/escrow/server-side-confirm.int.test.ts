import Stripe from 'stripe';
import { standInClient } from '../../tools/stripe-standin/src/testing';
import { buyNowSale, findTx, pay, useSellerWithWalletAndBuyer, waitForStatus, waitForTransactionEvent } from './helpers';

/**
 * SPEC §5: a server-side `POST /v1/payment_intents/:id/confirm` with only `payment_method` succeeds
 * (pm_card_visa) or fails (pm_card_chargeDeclined) on Biddt's own intents — card-only, no redirect,
 * so no `return_url` — and the signed webhook then moves the transaction.
 */
const ctx = useSellerWithWalletAndBuyer();

/** The intent Biddt's pay route made for a new `pending_payment` sale. */
async function intentOfNewSale(): Promise<{ txId: string; intentId: string }> {
  const tx = await buyNowSale(ctx.env, ctx.seller, ctx.buyer, 10_000);
  const res = await pay(ctx.env, ctx.buyer, tx.id);
  expect(res.status).toBe(200);
  // The mobile PaymentSheet still gets what it needs.
  expect(res.body.clientSecret).toMatch(new RegExp(`^${res.body.paymentIntentId}_secret_`));
  return { txId: tx.id, intentId: res.body.paymentIntentId as string };
}

describe('server-side confirmation of Biddt PaymentIntents through the real SDK', () => {
  it('pm_card_visa: succeeded, and the webhook moves the transaction to in_escrow', async () => {
    const { txId, intentId } = await intentOfNewSale();
    const stripe = standInClient(ctx.env.standIn.port);
    const intent = await stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa' });
    expect(intent.status).toBe('succeeded');
    expect(intent.automatic_payment_methods).toEqual({ enabled: true, allow_redirects: 'never' });
    expect(ctx.env.standIn.requestLog.find((r) => r.path === `/v1/payment_intents/${intentId}/confirm`)?.params).toEqual({
      payment_method: 'pm_card_visa',
    });
    const funded = await waitForStatus(ctx.env.deps, txId, 'in_escrow');
    expect(funded.chargeId).toBe(intent.latest_charge);
  });

  it('pm_card_chargeDeclined: card_declined, and the transaction stays pending_payment', async () => {
    const { txId, intentId } = await intentOfNewSale();
    const stripe = standInClient(ctx.env.standIn.port);
    const failure = await stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_card_chargeDeclined' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(failure).toMatchObject({ statusCode: 402, code: 'card_declined' });
    // The payment_failed webhook was processed (the timeline notes the decline) and left the sale payable.
    const noted = await waitForTransactionEvent(ctx.env.deps, txId, 'payment_failed');
    expect(noted.data).toMatchObject({ paymentIntentId: intentId, code: 'card_declined' });
    expect(await findTx(ctx.env.deps, txId)).toMatchObject({ status: 'pending_payment', paidAt: null, chargeId: null });
  });
});
