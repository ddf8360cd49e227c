import type { Engine } from '../engine';
import { noSuch } from '../errors';
import { newId } from '../ids';
import { LIST_PARAMS, paginate } from '../list';
import type { BalanceTransactionObj } from '../objects';
import { ParamReader } from '../params';
import { route, type Route } from '../router';

/** Canadian domestic card pricing: 2.9% + 30¢, so balances look like a real account's. */
export function cardFee(amount: number): number {
  return Math.round(amount * 0.029) + 30;
}

/** Stripe's CAD dispute fee. */
export const DISPUTE_FEE = 1500;

interface Movement {
  amount: number;
  fee?: number;
  currency: string;
  type: string;
  reportingCategory: string;
  source: string;
  description?: string;
}

/**
 * Books a movement on the platform balance. Funds are available at once (as with Stripe's
 * `pm_card_bypassPending` test card) — the stand-in does not model the pending period.
 */
export function recordBalanceTransaction(engine: Engine, movement: Movement): BalanceTransactionObj {
  const fee = movement.fee ?? 0;
  const now = engine.now();
  return engine.store.insert('balance_transaction', {
    id: newId('txn'),
    object: 'balance_transaction',
    amount: movement.amount,
    available_on: now,
    balance_type: 'payments',
    created: now,
    currency: movement.currency,
    description: movement.description ?? null,
    exchange_rate: null,
    fee,
    fee_details: fee ? [{ amount: fee, application: null, currency: movement.currency, description: 'Stripe processing fees', type: 'stripe_fee' }] : [],
    net: movement.amount - fee,
    reporting_category: movement.reportingCategory,
    source: movement.source,
    status: 'available',
    type: movement.type,
  });
}

/** Platform available balance per currency (sum of all nets). */
export function availableBalance(engine: Engine, currency: string): number {
  return engine.store
    .all('balance_transaction')
    .filter((txn) => txn.currency === currency)
    .reduce((sum, txn) => sum + txn.net, 0);
}

function currencies(engine: Engine): string[] {
  const seen = new Set(engine.store.all('balance_transaction').map((txn) => txn.currency));
  seen.add('cad');
  return [...seen].sort();
}

function retrieveBalance({ engine }: { engine: Engine }): unknown {
  const all = currencies(engine);
  const available = all.map((currency) => {
    const amount = availableBalance(engine, currency);
    return { amount, currency, source_types: { card: amount } };
  });
  return {
    object: 'balance',
    available,
    connect_reserved: all.map((currency) => ({ amount: 0, currency })),
    livemode: false,
    pending: all.map((currency) => ({ amount: 0, currency, source_types: { card: 0 } })),
  };
}

export const balanceRoutes: Route[] = [
  route('GET', '/v1/balance', (ctx, { params }) => {
    new ParamReader(params, []);
    return retrieveBalance(ctx);
  }),
  route('GET', '/v1/balance_transactions/:id', ({ engine }, { path }) => {
    const txn = engine.store.get('balance_transaction', path.id);
    if (!txn) throw noSuch('balance transaction', path.id, 'id');
    return txn;
  }),
  route('GET', '/v1/balance_transactions', ({ engine }, { params }) => {
    const reader = new ParamReader(params, [...LIST_PARAMS, 'type', 'source']);
    const type = reader.string('type');
    const source = reader.string('source');
    const items = engine.store
      .all('balance_transaction')
      .filter((txn) => (!type || txn.type === type) && (!source || txn.source === source));
    return paginate(engine.store, reader, items, '/v1/balance_transactions');
  }),
];
