/**
 * Chargeback webhooks out of order (SPEC §3 "Stripe's webhooks drive state", §1 reconciled ledger):
 * Stripe does not promise delivery order, so `charge.dispute.closed` may arrive (and be processed)
 * before `charge.dispute.created`. The final state must be the one the issuer decided — not a dispute
 * left open forever with the buyer's money frozen.
 */
import Stripe from 'stripe';
import { balanceOf, LedgerAccount } from '../../src/modules/ledger';
import { eventually } from '../support/fixtures';
import { buyNowSale, ledgerOf, payAndFund, transfersOf, useSellerWithWalletAndBuyer, waitForStatus } from './helpers';

const ctx = useSellerWithWalletAndBuyer();

afterEach(() => ctx.env.standIn.setDelivery({ paused: false }));

/** Posts one stored stand-in event to the api, signed, and waits until the worker processed it. */
async function deliver(eventId: string): Promise<void> {
  const event = ctx.env.standIn.listObjects('event').find((e) => e.id === eventId)!;
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: ctx.env.webhookSecret });
  const res = await ctx.env.http.post('/v1/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', signature).send(payload);
  expect(res.status).toBe(200);
  await eventually(async () => {
    const row = await ctx.env.deps.db.selectFrom('stripeEvents').select('processedAt').where('id', '=', eventId).executeTakeFirst();
    return Boolean(row?.processedAt);
  });
}

const eventOf = (type: string, disputeId: string) =>
  ctx.env.standIn.listObjects('event').find((e) => e.type === type && (e.data.object as { id: string }).id === disputeId)!;

describe('charge.dispute.closed delivered before charge.dispute.created', () => {
  it('a won chargeback still ends released, the seller paid once, our dispute resolved, the ledger balanced', async () => {
    const tx = await payAndFund(ctx.env, ctx.buyer, (await buyNowSale(ctx.env, ctx.seller, ctx.buyer, 10_000)).id);
    ctx.env.standIn.setDelivery({ paused: true });
    const cb = ctx.env.standIn.createDispute(tx.chargeId!);
    ctx.env.standIn.closeDispute(cb.id, 'won');
    const created = eventOf('charge.dispute.created', cb.id);
    const closed = eventOf('charge.dispute.closed', cb.id);

    await deliver(closed.id);
    await deliver(created.id);

    const done = await waitForStatus(ctx.env.deps, tx.id, 'released');
    expect(transfersOf(ctx.env, tx.id).map((t) => t.amount)).toEqual([9_201]);
    const ours = await ctx.env.deps.db.selectFrom('disputes').selectAll().where('stripeDisputeId', '=', cb.id).executeTakeFirstOrThrow();
    expect(ours).toMatchObject({ status: 'resolved', resolution: 'release' });
    expect(done.status).toBe('released');
    const ledger = await ledgerOf(ctx.env.deps, tx.id);
    expect(ledger.movements.map((m) => m.type)).toEqual(['charge', 'chargeback', 'chargeback_won', 'release']);
    for (const m of ledger.movements) expect(m.sum).toBe(0);
    expect(ledger.escrow).toBe(0);
    expect(await balanceOf(ctx.env.deps.db, LedgerAccount.chargeback(tx.id))).toBe(0);
  });
});
