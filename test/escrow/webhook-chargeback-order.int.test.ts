/**
 * Chargeback webhooks out of order (SPEC §3 "Stripe's webhooks drive state", §1 reconciled ledger):
 * Stripe does not promise delivery order, so `charge.dispute.closed` may arrive (and be processed)
 * before `charge.dispute.created`. The final state must be the one the issuer decided — not a dispute
 * left open forever with the buyer's money frozen.
 */
import Stripe from 'stripe';
import { processStripeEvent } from '../../src/flows/process-stripe-event';
import { balanceOf, LedgerAccount } from '../../src/modules/ledger';
import type { Payments } from '../../src/providers/payments/payments';
import { eventually } from '../support/fixtures';
import {
  buyNowSale,
  ledgerOf,
  openAndResolveDispute,
  payAndFund,
  transfersOf,
  useSellerWithWalletAndBuyer,
  waitForStatus,
} from './helpers';

const ctx = useSellerWithWalletAndBuyer();

afterEach(() => ctx.env.standIn.setDelivery({ paused: false }));

/** Posts one stored stand-in event to the api, signed, and waits until the worker processed it. */
async function deliver(eventId: string): Promise<void> {
  const event = ctx.env.standIn.listObjects('event').find((e) => e.id === eventId)!;
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: ctx.env.webhookSecret });
  const res = await ctx.env.http
    .post('/v1/webhooks/stripe')
    .set('Content-Type', 'application/json')
    .set('Stripe-Signature', signature)
    .send(payload);
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

/**
 * Payments whose first `waits` dispute fetches are held until all of them arrived: each chargeback
 * path fetches the dispute right after its `processedFor` check, so both checks are known to have run
 * (and seen nothing processed) before either path records anything — the worst interleaving, every time.
 */
function disputeFetchBarrier(inner: Payments, waits: number): Payments {
  let arrived = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'retrieveDispute') return Reflect.get(target, prop, receiver);
      return async (id: string) => {
        arrived += 1;
        if (arrived === waits) open();
        if (arrived <= waits) await gate;
        return target.retrieveDispute(id);
      };
    },
  });
}

describe('charge.dispute.created and charge.dispute.closed processed at the same time', () => {
  it('a chargeback on a partially refunded sale leaves one chargeback_received staff note, not one per event', async () => {
    const tx = await payAndFund(ctx.env, ctx.buyer, (await buyNowSale(ctx.env, ctx.seller, ctx.buyer, 10_000)).id);
    await openAndResolveDispute(ctx.env.deps, tx.id, 'partial_refund', 3_000);
    await waitForStatus(ctx.env.deps, tx.id, 'partially_refunded'); // cannot become `disputed`: staff get a note instead
    ctx.env.standIn.setDelivery({ paused: true });
    const cb = ctx.env.standIn.createDispute(tx.chargeId!);
    ctx.env.standIn.closeDispute(cb.id, 'lost');
    const created = eventOf('charge.dispute.created', cb.id);
    const closed = eventOf('charge.dispute.closed', cb.id);
    // Stored as the webhook route would, but processed here (not by the workers) so both run at once.
    await ctx.env.deps.db
      .insertInto('stripeEvents')
      .values([created, closed].map((e) => ({ id: e.id, type: e.type, objectId: cb.id })))
      .execute();

    const deps = { ...ctx.env.deps, payments: disputeFetchBarrier(ctx.env.deps.payments, 2) };
    const outcomes = await Promise.all([processStripeEvent(deps, created.id), processStripeEvent(deps, closed.id)]);
    expect(outcomes).toEqual(['recorded', 'resolved']);

    const notes = await ctx.env.deps.db
      .selectFrom('transactionEvents')
      .select(['type', 'data'])
      .where('transactionId', '=', tx.id)
      .where('type', 'in', ['chargeback_received', 'chargeback_lost'])
      .execute();
    const staffNotes = notes.filter((n) => (n.data as { needsStaff?: boolean }).needsStaff).map((n) => n.type);
    expect(staffNotes.sort()).toEqual(['chargeback_lost', 'chargeback_received']);
    const audit = await ctx.env.deps.db
      .selectFrom('auditLog')
      .select('action')
      .where('targetId', '=', tx.id)
      .where('action', '=', 'escrow.chargeback_received')
      .execute();
    expect(audit).toHaveLength(1);
    const ledger = await ledgerOf(ctx.env.deps, tx.id);
    expect(ledger.movements.filter((m) => m.type === 'chargeback')).toHaveLength(1);
  });
});
