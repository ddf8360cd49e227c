import type { Engine } from '../engine';
import { noSuch } from '../errors';
import { newId, randomBase62 } from '../ids';
import { LIST_PARAMS, paginate } from '../list';
import type { ChargeCardDetails, ChargeObj, ChargeOutcome, PaymentIntentObj, PaymentMethodObj } from '../objects';
import { mergeMetadata, ParamReader } from '../params';
import { route, type Route } from '../router';
import { cardFee, recordBalanceTransaction } from './balance';
import type { TestCard } from './test-cards';

function outcomeFor(card: TestCard): ChargeOutcome {
  const advice = { advice_code: null, network_advice_code: null };
  if (!card.decline) {
    return { ...advice, network_decline_code: null, network_status: 'approved_by_network', reason: null, risk_level: 'normal', seller_message: 'Payment complete.', type: 'authorized' };
  }
  return {
    ...advice,
    network_decline_code: '05',
    network_status: 'declined_by_network',
    reason: card.decline.declineCode,
    risk_level: 'normal',
    seller_message: card.decline.sellerMessage,
    type: 'issuer_declined',
  };
}

function chargeCard(method: PaymentMethodObj, authorized: number | null): ChargeCardDetails {
  const { brand, checks, country, exp_month, exp_year, fingerprint, funding, last4 } = method.card;
  return {
    amount_authorized: authorized,
    authorization_code: authorized === null ? null : randomBase62(6).toUpperCase(),
    brand, checks, country, exp_month, exp_year, fingerprint, funding, last4,
    electronic_commerce_indicator: null,
    installments: null,
    mandate: null,
    network: brand,
    network_transaction_id: authorized === null ? null : randomBase62(15),
    regulated_status: 'unregulated',
    three_d_secure: null,
    transaction_link_id: null,
    wallet: null,
  };
}

/**
 * The Charge one confirmation attempt produces — succeeded or failed, as Stripe records both.
 * A successful charge books its amount (less the card fee) on the platform balance.
 */
export function createCharge(engine: Engine, intent: PaymentIntentObj, method: PaymentMethodObj, card: TestCard): ChargeObj {
  const succeeded = !card.decline;
  const id = newId('ch');
  const charge: ChargeObj = {
    id,
    object: 'charge',
    amount: intent.amount,
    amount_captured: succeeded ? intent.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: 'BIDDT',
    captured: succeeded,
    created: engine.now(),
    currency: intent.currency,
    customer: null,
    description: intent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: card.decline?.code ?? null,
    failure_message: card.decline?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: { ...intent.metadata },
    on_behalf_of: null,
    outcome: outcomeFor(card),
    paid: succeeded,
    payment_intent: intent.id,
    payment_method: method.id,
    payment_method_details: { type: 'card', card: chargeCard(method, succeeded ? intent.amount : null) },
    receipt_email: intent.receipt_email,
    receipt_number: null,
    receipt_url: `${engine.settings.baseUrl()}/_standin/receipts/${id}?s=${randomBase62(12)}`,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: succeeded ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: intent.transfer_group,
  };
  if (succeeded) {
    charge.balance_transaction = recordBalanceTransaction(engine, {
      amount: charge.amount,
      fee: cardFee(charge.amount),
      currency: charge.currency,
      type: 'charge',
      reportingCategory: 'charge',
      source: charge.id,
    }).id;
  }
  return engine.store.insert('charge', charge);
}

export function requireCharge(engine: Engine, id: string, param = 'id', status: 400 | 404 = 404): ChargeObj {
  const charge = engine.store.get('charge', id);
  if (!charge) throw noSuch('charge', id, param, status);
  return charge;
}

export const chargeRoutes: Route[] = [
  route('GET', '/v1/payment_methods/:id', ({ engine }, { path, params }) => {
    new ParamReader(params, []);
    const method = engine.store.get('payment_method', path.id);
    if (!method) throw noSuch('payment_method', path.id, 'payment_method');
    return method;
  }),
  route('GET', '/v1/charges/:id', ({ engine }, { path, params }) => {
    new ParamReader(params, []);
    return requireCharge(engine, path.id);
  }),
  route('POST', '/v1/charges/:id', ({ engine }, { path, params }) => {
    const reader = new ParamReader(params, ['metadata', 'description']);
    const charge = requireCharge(engine, path.id);
    const metadata = reader.metadata();
    const description = reader.string('description');
    charge.metadata = mergeMetadata(charge.metadata, metadata);
    charge.description = description ?? charge.description;
    return charge;
  }),
  route('GET', '/v1/charges', ({ engine }, { params }) => {
    const reader = new ParamReader(params, [...LIST_PARAMS, 'payment_intent', 'transfer_group']);
    const intent = reader.string('payment_intent');
    const group = reader.string('transfer_group');
    const items = engine.store
      .all('charge')
      .filter((c) => (!intent || c.payment_intent === intent) && (!group || c.transfer_group === group));
    return paginate(engine.store, reader, items, '/v1/charges');
  }),
];
