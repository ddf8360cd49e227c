import { versionAtLeast, type ApiContext, type Engine } from '../engine';
import { invalidRequest, noSuch } from '../errors';
import type { ParamObject } from '../form';
import { newId, randomBase62 } from '../ids';
import { LIST_PARAMS, paginate } from '../list';
import type { PaymentIntentObj } from '../objects';
import { createMetadata, mergeMetadata, ParamReader, readBoolean } from '../params';
import { route, type Route } from '../router';
import { snapshot } from '../store';
import { confirmIntent, preflightConfirm } from './confirm';
import { isRedirectType } from './payment-method-types';

const CREATE_PARAMS = [
  'amount', 'currency', 'transfer_group', 'metadata', 'allowed_payment_method_types', 'excluded_payment_method_types',
  'payment_method_types', 'automatic_payment_methods', 'description', 'confirm', 'payment_method', 'return_url',
  'capture_method', 'receipt_email', 'statement_descriptor_suffix',
] as const;
const UPDATE_PARAMS = ['amount', 'description', 'metadata', 'transfer_group', 'payment_method', 'receipt_email'] as const;
/** API version that replaced `payment_method_types` (create/update/confirm) by `allowed_payment_method_types`. */
const ALLOWED_TYPES_VERSION = '2026-09-30';
const MUTABLE_STATUSES = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
const CANCELABLE_STATUSES = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];

/** Stripe's minimum charge is 50 cents in CAD/USD/EUR; the stand-in applies it to every currency. */
function readAmount(reader: ParamReader, currency: string): number {
  const amount = reader.requiredInteger('amount');
  if (amount < 50) {
    throw invalidRequest(`Amount must be at least $0.50 ${currency}`, { code: 'amount_too_small', param: 'amount' });
  }
  if (amount > 99_999_999) {
    throw invalidRequest('Amount must be no more than $999,999.99', { code: 'amount_too_large', param: 'amount' });
  }
  return amount;
}

type MethodConfig = Pick<
  PaymentIntentObj,
  'automatic_payment_methods' | 'payment_method_types' | 'allowed_payment_method_types' | 'excluded_payment_method_types'
>;

/** Before 2026-09-30 `payment_method_types` chose the methods and turned automatic ones off. */
function readLegacyTypes(reader: ParamReader, apiVersion: string): string[] | undefined {
  if (!reader.has('payment_method_types')) return undefined;
  if (versionAtLeast(apiVersion, ALLOWED_TYPES_VERSION)) {
    throw invalidRequest(
      `Received unknown parameter: payment_method_types (removed in API version ${ALLOWED_TYPES_VERSION}; use allowed_payment_method_types)`,
      { code: 'parameter_unknown', param: 'payment_method_types' },
    );
  }
  return reader.stringList('payment_method_types');
}

/**
 * The methods the intent offers: the allow-list (the stand-in's "Dashboard" enables cards only)
 * minus exclusions, and, with `allow_redirects=never`, minus every redirect-based method. An intent
 * left with none is refused, so a redirect-based method can never be confirmed on it.
 */
function offeredTypes(allowed: string[] | null, excluded: string[] | null, allowRedirects: 'always' | 'never'): string[] {
  const types = (allowed ?? ['card']).filter((t) => !excluded?.includes(t) && (allowRedirects === 'always' || !isRedirectType(t)));
  if (types.length === 0) {
    throw invalidRequest(
      'None of the allowed payment method types can be used on this PaymentIntent: redirect-based methods are refused with `automatic_payment_methods[allow_redirects]=never`, and the others are excluded.',
      { code: 'payment_intent_invalid_parameter', param: 'allowed_payment_method_types' },
    );
  }
  return types;
}

/** Automatic payment methods are on unless turned off (or, on old versions, replaced by a list). */
function readMethodConfig(reader: ParamReader, apiVersion: string): MethodConfig {
  const legacy = readLegacyTypes(reader, apiVersion);
  const allowed = reader.stringList('allowed_payment_method_types') ?? null;
  const excluded = reader.stringList('excluded_payment_method_types') ?? null;
  const apm = reader.object('automatic_payment_methods');
  const enabled = readBoolean(apm?.enabled, 'automatic_payment_methods[enabled]');
  if (legacy && enabled) {
    throw invalidRequest('You may only specify one of these parameters: automatic_payment_methods, payment_method_types.', {
      code: 'parameters_exclusive',
      param: 'automatic_payment_methods',
    });
  }
  const redirects = apm?.allow_redirects;
  if (redirects !== undefined && redirects !== 'always' && redirects !== 'never') {
    throw invalidRequest('Invalid allow_redirects: must be one of always, never', { param: 'automatic_payment_methods[allow_redirects]' });
  }
  const allowRedirects = redirects ?? 'always';
  const types = legacy ?? offeredTypes(allowed, excluded, allowRedirects);
  return {
    automatic_payment_methods: legacy ? null : { enabled: enabled ?? true, allow_redirects: allowRedirects },
    allowed_payment_method_types: allowed,
    excluded_payment_method_types: excluded,
    payment_method_types: types,
  };
}

function readCaptureMethod(reader: ParamReader): PaymentIntentObj['capture_method'] {
  const method = reader.enumValue('capture_method', ['automatic', 'automatic_async', 'manual'] as const);
  if (method === 'manual') {
    throw invalidRequest('capture_method=manual is not supported by the Stripe stand-in.', { param: 'capture_method' });
  }
  return method ?? 'automatic_async';
}

function buildIntent(engine: Engine, reader: ParamReader, apiVersion: string): PaymentIntentObj {
  const currency = reader.currency();
  const id = newId('pi');
  return {
    id,
    object: 'payment_intent',
    amount: readAmount(reader, currency),
    amount_capturable: 0,
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    ...readMethodConfig(reader, apiVersion),
    canceled_at: null,
    cancellation_reason: null,
    capture_method: readCaptureMethod(reader),
    client_secret: `${id}_secret_${randomBase62(25)}`,
    confirmation_method: 'automatic',
    created: engine.now(),
    currency,
    customer: null,
    customer_account: null,
    description: reader.string('description') ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: createMetadata(reader.metadata()),
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_record: null,
    processing: null,
    receipt_email: reader.string('receipt_email') ?? null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: reader.string('statement_descriptor_suffix') ?? null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: reader.string('transfer_group') ?? null,
  };
}

function createIntent(ctx: ApiContext, params: ParamObject): PaymentIntentObj {
  const reader = new ParamReader(params, CREATE_PARAMS);
  const confirm = reader.boolean('confirm') ?? false;
  const returnUrl = reader.string('return_url');
  if (returnUrl && !confirm) throw invalidRequest('You can only specify `return_url` when `confirm` is true.', { param: 'return_url' });
  const intent = buildIntent(ctx.engine, reader, ctx.apiVersion);
  const paymentMethod = reader.string('payment_method');
  // Validate the confirmation first so a rejected create leaves nothing behind.
  if (confirm) preflightConfirm(ctx, intent, { paymentMethod, returnUrl });
  ctx.engine.store.insert('payment_intent', intent);
  ctx.engine.emit('payment_intent.created', intent, ctx.request);
  if (!confirm) {
    intent.payment_method = paymentMethod ?? null;
    return intent;
  }
  return confirmIntent(ctx, intent, { paymentMethod, returnUrl });
}

export function requireIntent(engine: Engine, id: string, param = 'intent', status: 400 | 404 = 404): PaymentIntentObj {
  const intent = engine.store.get('payment_intent', id);
  if (!intent) throw noSuch('payment_intent', id, param, status);
  return intent;
}

function stateError(intent: PaymentIntentObj, action: string, allowed: string[]): Error {
  return invalidRequest(
    `You cannot ${action} this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be ${action === 'cancel' ? 'canceled' : 'updated'}: ${allowed.join(', ')}.`,
    { code: 'payment_intent_unexpected_state', extra: { payment_intent: snapshot(intent) } },
  );
}

function updateIntent(engine: Engine, id: string, params: ParamObject): PaymentIntentObj {
  const intent = requireIntent(engine, id);
  const reader = new ParamReader(params, UPDATE_PARAMS);
  const changesPayment = reader.has('amount') || reader.has('payment_method') || reader.has('transfer_group');
  if (changesPayment && !MUTABLE_STATUSES.includes(intent.status)) throw stateError(intent, 'update', MUTABLE_STATUSES);
  // Read (and so validate) every param before changing anything: a request is all or nothing.
  const amount = reader.has('amount') ? readAmount(reader, intent.currency) : intent.amount;
  const paymentMethod = reader.string('payment_method');
  const transferGroup = reader.string('transfer_group');
  const receiptEmail = reader.string('receipt_email');
  const description = reader.string('description');
  const metadata = reader.metadata();
  intent.amount = amount;
  intent.payment_method = paymentMethod ?? intent.payment_method;
  intent.transfer_group = transferGroup ?? intent.transfer_group;
  intent.receipt_email = receiptEmail ?? intent.receipt_email;
  if (description !== undefined) intent.description = description || null;
  intent.metadata = mergeMetadata(intent.metadata, metadata);
  return intent;
}

/** Cancels an unpaid intent; a paid one must be refunded instead (400, as Stripe answers). */
export function cancelIntent(ctx: ApiContext, id: string, params: ParamObject): PaymentIntentObj {
  const intent = requireIntent(ctx.engine, id);
  const reader = new ParamReader(params, ['cancellation_reason']);
  const reason = reader.enumValue('cancellation_reason', ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] as const);
  if (!CANCELABLE_STATUSES.includes(intent.status)) throw stateError(intent, 'cancel', CANCELABLE_STATUSES);
  intent.status = 'canceled';
  intent.canceled_at = ctx.engine.now();
  intent.cancellation_reason = reason ?? null;
  ctx.engine.emit('payment_intent.canceled', intent, ctx.request);
  return intent;
}

function confirmRoute(ctx: ApiContext, id: string, params: ParamObject): PaymentIntentObj {
  const reader = new ParamReader(params, ['payment_method', 'return_url', 'receipt_email', 'off_session']);
  const intent = requireIntent(ctx.engine, id);
  const options = { paymentMethod: reader.string('payment_method'), returnUrl: reader.string('return_url') };
  const receiptEmail = reader.string('receipt_email');
  preflightConfirm(ctx, intent, options);
  intent.receipt_email = receiptEmail ?? intent.receipt_email;
  return confirmIntent(ctx, intent, options);
}

export const paymentIntentRoutes: Route[] = [
  route('POST', '/v1/payment_intents', (ctx, { params }) => createIntent(ctx, params)),
  route('GET', '/v1/payment_intents/:id', ({ engine }, { path, params }) => {
    new ParamReader(params, ['client_secret']);
    return requireIntent(engine, path.id);
  }),
  route('POST', '/v1/payment_intents/:id', ({ engine }, { path, params }) => updateIntent(engine, path.id, params)),
  route('POST', '/v1/payment_intents/:id/confirm', (ctx, { path, params }) => confirmRoute(ctx, path.id, params)),
  route('POST', '/v1/payment_intents/:id/cancel', (ctx, { path, params }) => cancelIntent(ctx, path.id, params)),
  route('GET', '/v1/payment_intents', ({ engine }, { params }) => {
    const reader = new ParamReader(params, LIST_PARAMS);
    return paginate(engine.store, reader, engine.store.all('payment_intent'), '/v1/payment_intents');
  }),
];
