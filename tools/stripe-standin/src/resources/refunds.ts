import type { ApiContext, Engine } from '../engine';
import { invalidRequest, noSuch } from '../errors';
import type { ParamObject } from '../form';
import { newId } from '../ids';
import { LIST_PARAMS, paginate } from '../list';
import type { ChargeObj, RefundObj } from '../objects';
import { createMetadata, mergeMetadata, ParamReader } from '../params';
import { route, type Route } from '../router';
import { recordBalanceTransaction } from './balance';
import { requireCharge } from './charges';
import { hasOpenDispute } from './disputes';
import { requireIntent } from './payment-intents';

const CREATE_PARAMS = [
  'payment_intent', 'charge', 'amount', 'metadata', 'reason', 'instructions_email', 'currency', 'origin',
  'refund_application_fee', 'reverse_transfer',
] as const;

function dollars(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

/** `charge` or `payment_intent` (its latest successful charge) names what to refund. */
function chargeToRefund(engine: Engine, reader: ParamReader): ChargeObj {
  const chargeId = reader.string('charge');
  const intentId = reader.string('payment_intent');
  if (!chargeId && !intentId) {
    throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.');
  }
  if (chargeId) {
    const charge = requireCharge(engine, chargeId, 'charge', 400);
    if (intentId && charge.payment_intent !== intentId) {
      throw invalidRequest(`The charge ${chargeId} does not belong to PaymentIntent ${intentId}.`, { param: 'charge' });
    }
    return charge;
  }
  const intent = requireIntent(engine, intentId ?? '', 'payment_intent', 400);
  if (intent.status !== 'succeeded' || !intent.latest_charge) {
    throw invalidRequest(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, { param: 'payment_intent' });
  }
  return requireCharge(engine, intent.latest_charge, 'payment_intent', 400);
}

function refundAmount(engine: Engine, charge: ChargeObj, requested: number | undefined): number {
  if (charge.status !== 'succeeded') throw invalidRequest(`Charge ${charge.id} has not succeeded and cannot be refunded.`, { param: 'charge' });
  if (hasOpenDispute(engine, charge.id)) {
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, { code: 'charge_disputed' });
  }
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining === 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  const amount = requested ?? remaining;
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${dollars(amount)}) is greater than unrefunded amount on charge (${dollars(remaining)})`,
      { code: 'amount_too_large', param: 'amount' },
    );
  }
  return amount;
}

/** Refunds succeed at once; the charge's `amount_refunded` / `refunded` follow, then `charge.refunded`. */
function createRefund(ctx: ApiContext, params: ParamObject): RefundObj {
  const reader = new ParamReader(params, CREATE_PARAMS);
  const charge = chargeToRefund(ctx.engine, reader);
  const requested = reader.integer('amount', { min: 1 });
  const reason = reader.enumValue('reason', ['duplicate', 'fraudulent', 'requested_by_customer'] as const) ?? null;
  const metadata = createMetadata(reader.metadata());
  // Only destination charges carry a transfer to pull back; ours are separate charges and transfers.
  if (reader.boolean('reverse_transfer')) {
    throw invalidRequest('You cannot set reverse_transfer on a charge that was not created with transfer_data[destination].', { param: 'reverse_transfer' });
  }
  const amount = refundAmount(ctx.engine, charge, requested);
  const id = newId('re');
  const refund = ctx.engine.store.insert('refund', {
    id,
    object: 'refund',
    amount,
    balance_transaction: recordBalanceTransaction(ctx.engine, { amount: -amount, currency: charge.currency, type: 'refund', reportingCategory: 'refund', source: id }).id,
    charge: charge.id,
    created: ctx.engine.now(),
    currency: charge.currency,
    customer: null,
    customer_account: null,
    metadata,
    payment_intent: charge.payment_intent,
    payment_method: charge.payment_method,
    reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  });
  const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  ctx.engine.emit('refund.created', refund, ctx.request);
  ctx.engine.emit('charge.refunded', charge, ctx.request, previous);
  return refund;
}

function requireRefund(engine: Engine, id: string): RefundObj {
  const refund = engine.store.get('refund', id);
  if (!refund) throw noSuch('refund', id, 'id');
  return refund;
}

export const refundRoutes: Route[] = [
  route('POST', '/v1/refunds', (ctx, { params }) => createRefund(ctx, params)),
  route('GET', '/v1/refunds/:id', ({ engine }, { path, params }) => {
    new ParamReader(params, []);
    return requireRefund(engine, path.id);
  }),
  route('POST', '/v1/refunds/:id', ({ engine }, { path, params }) => {
    const reader = new ParamReader(params, ['metadata']);
    const refund = requireRefund(engine, path.id);
    refund.metadata = mergeMetadata(refund.metadata, reader.metadata());
    return refund;
  }),
  route('GET', '/v1/refunds', ({ engine }, { params }) => {
    const reader = new ParamReader(params, [...LIST_PARAMS, 'charge', 'payment_intent']);
    const charge = reader.string('charge');
    const intent = reader.string('payment_intent');
    const items = engine.store
      .all('refund')
      .filter((r) => (!charge || r.charge === charge) && (!intent || r.payment_intent === intent));
    return paginate(engine.store, reader, items, '/v1/refunds');
  }),
];
