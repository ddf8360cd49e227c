import type { ApiContext, Engine } from '../engine';
import { invalidRequest, noSuch, parameterMissing } from '../errors';
import type { ParamObject } from '../form';
import { newId } from '../ids';
import { LIST_PARAMS, paginate } from '../list';
import type { ChargeObj, TransferObj, TransferReversalObj } from '../objects';
import { createMetadata, mergeMetadata, ParamReader } from '../params';
import { route, type Route } from '../router';
import { availableBalance, recordBalanceTransaction } from './balance';
import { requireCharge } from './charges';

const CREATE_PARAMS = ['amount', 'currency', 'destination', 'transfer_group', 'source_transaction', 'metadata', 'description', 'source_type'] as const;

/** What is left of a charge to send on: its amount less refunds and earlier (unreversed) transfers. */
export function transferableFromCharge(engine: Engine, charge: ChargeObj): number {
  const transferred = engine.store
    .all('transfer')
    .filter((t) => t.source_transaction === charge.id)
    .reduce((sum, t) => sum + t.amount - t.amount_reversed, 0);
  return charge.amount - charge.amount_refunded - transferred;
}

function assertDestination(engine: Engine, id: string): void {
  const account = engine.store.get('account', id);
  if (!account) throw noSuch('destination', id, 'destination', 400);
  if (account.capabilities.transfers !== 'active') {
    throw invalidRequest(
      'Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
      { code: 'insufficient_capabilities_for_transfer', param: 'destination' },
    );
  }
}

function insufficientFunds(message: string): Error {
  return invalidRequest(message, { code: 'balance_insufficient', param: 'amount' });
}

/** With `source_transaction` the charge funds the transfer; otherwise the available balance must. */
function assertFunding(engine: Engine, amount: number, currency: string, sourceId: string | undefined): void {
  if (!Number.isInteger(amount) || amount < 1) throw invalidRequest('Amount must be at least 1 cent.', { param: 'amount' });
  if (!sourceId) {
    const available = availableBalance(engine, currency);
    if (amount > available) {
      throw insufficientFunds(
        `You have insufficient available funds in your Stripe account (${available} ${currency} available, ${amount} requested). Try creating the transfer with a source_transaction.`,
      );
    }
    return;
  }
  const charge = requireCharge(engine, sourceId, 'source_transaction', 400);
  if (charge.status !== 'succeeded') {
    throw invalidRequest(`The source_transaction ${sourceId} has not succeeded and cannot fund a transfer.`, { param: 'source_transaction' });
  }
  if (charge.currency !== currency) {
    throw invalidRequest(`The currency of source_transaction (${charge.currency}) must be the same as the transfer currency (${currency}).`, { param: 'currency' });
  }
  const remaining = transferableFromCharge(engine, charge);
  if (amount > remaining) {
    throw insufficientFunds(`The transfer amount (${amount}) exceeds what remains available from source_transaction ${sourceId} (${remaining}).`);
  }
}

function createTransfer(ctx: ApiContext, params: ParamObject): TransferObj {
  const reader = new ParamReader(params, CREATE_PARAMS);
  const requested = reader.integer('amount', { min: 1 });
  const currency = reader.currency();
  const destination = reader.requiredString('destination');
  const source = reader.string('source_transaction');
  // `amount` may be left out when a source charge funds the transfer: all that remains of it.
  if (requested === undefined && !source) throw parameterMissing('amount');
  const metadata = createMetadata(reader.metadata());
  const description = reader.string('description') ?? null;
  const transferGroup = reader.string('transfer_group') ?? null;
  assertDestination(ctx.engine, destination);
  const amount = requested ?? transferableFromCharge(ctx.engine, requireCharge(ctx.engine, source ?? '', 'source_transaction', 400));
  assertFunding(ctx.engine, amount, currency, source);
  const id = newId('tr');
  const transfer: TransferObj = {
    id,
    object: 'transfer',
    amount,
    amount_reversed: 0,
    balance_transaction: recordBalanceTransaction(ctx.engine, { amount: -amount, currency, type: 'transfer', reportingCategory: 'transfer', source: id }).id,
    created: ctx.engine.now(),
    currency,
    description,
    destination,
    destination_payment: newId('py'),
    livemode: false,
    metadata,
    reversals: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/transfers/${id}/reversals` },
    reversed: false,
    source_transaction: source ?? null,
    source_type: 'card',
    transfer_group: transferGroup,
  };
  ctx.engine.store.insert('transfer', transfer);
  ctx.engine.emit('transfer.created', transfer, ctx.request);
  return transfer;
}

function requireTransfer(engine: Engine, id: string): TransferObj {
  const transfer = engine.store.get('transfer', id);
  if (!transfer) throw noSuch('transfer', id, 'id');
  return transfer;
}

/** Partial or full reversal; sends `transfer.reversed` for each, as Stripe does. */
function createReversal(ctx: ApiContext, transferId: string, params: ParamObject): TransferReversalObj {
  const reader = new ParamReader(params, ['amount', 'metadata', 'description', 'refund_application_fee']);
  const transfer = requireTransfer(ctx.engine, transferId);
  const remaining = transfer.amount - transfer.amount_reversed;
  if (remaining === 0) throw invalidRequest(`Transfer ${transfer.id} has already been fully reversed.`);
  const amount = reader.integer('amount', { min: 1 }) ?? remaining;
  const metadata = createMetadata(reader.metadata());
  if (amount > remaining) {
    throw invalidRequest(`Transfer reversal amount (${amount}) is greater than the unreversed amount of transfer ${transfer.id} (${remaining}).`, {
      code: 'amount_too_large',
      param: 'amount',
    });
  }
  const id = newId('trr');
  const reversal = ctx.engine.store.insert('transfer_reversal', {
    id,
    object: 'transfer_reversal',
    amount,
    balance_transaction: recordBalanceTransaction(ctx.engine, { amount, currency: transfer.currency, type: 'transfer_refund', reportingCategory: 'transfer_reversal', source: id }).id,
    created: ctx.engine.now(),
    currency: transfer.currency,
    destination_payment_refund: newId('pyr'),
    metadata,
    source_refund: null,
    transfer: transfer.id,
  });
  const previous = { amount_reversed: transfer.amount_reversed, reversed: transfer.reversed };
  transfer.amount_reversed += amount;
  transfer.reversed = transfer.amount_reversed === transfer.amount;
  transfer.reversals.data = [reversal, ...transfer.reversals.data].slice(0, 10);
  transfer.reversals.total_count = (transfer.reversals.total_count ?? 0) + 1;
  transfer.reversals.has_more = (transfer.reversals.total_count ?? 0) > 10;
  ctx.engine.emit('transfer.reversed', transfer, ctx.request, previous);
  return reversal;
}

export const transferRoutes: Route[] = [
  route('POST', '/v1/transfers', (ctx, { params }) => createTransfer(ctx, params)),
  route('GET', '/v1/transfers/:id', ({ engine }, { path, params }) => {
    new ParamReader(params, []);
    return requireTransfer(engine, path.id);
  }),
  route('POST', '/v1/transfers/:id', ({ engine }, { path, params }) => {
    const reader = new ParamReader(params, ['metadata', 'description']);
    const transfer = requireTransfer(engine, path.id);
    const metadata = reader.metadata();
    const description = reader.string('description');
    transfer.metadata = mergeMetadata(transfer.metadata, metadata);
    transfer.description = description ?? transfer.description;
    return transfer;
  }),
  route('GET', '/v1/transfers', ({ engine }, { params }) => {
    const reader = new ParamReader(params, [...LIST_PARAMS, 'destination', 'transfer_group']);
    const destination = reader.string('destination');
    const group = reader.string('transfer_group');
    const items = engine.store
      .all('transfer')
      .filter((t) => (!destination || t.destination === destination) && (!group || t.transfer_group === group));
    return paginate(engine.store, reader, items, '/v1/transfers');
  }),
  route('POST', '/v1/transfers/:id/reversals', (ctx, { path, params }) => createReversal(ctx, path.id, params)),
  route('GET', '/v1/transfers/:id/reversals', ({ engine }, { path, params }) => {
    const reader = new ParamReader(params, LIST_PARAMS);
    const transfer = requireTransfer(engine, path.id);
    const items = engine.store.all('transfer_reversal').filter((r) => r.transfer === transfer.id);
    return paginate(engine.store, reader, items, `/v1/transfers/${transfer.id}/reversals`);
  }),
  route('GET', '/v1/transfers/:id/reversals/:reversal', ({ engine }, { path, params }) => {
    new ParamReader(params, []);
    const reversal = engine.store.get('transfer_reversal', path.reversal);
    if (!reversal || reversal.transfer !== path.id) throw noSuch('transfer_reversal', path.reversal, 'id');
    return reversal;
  }),
];
