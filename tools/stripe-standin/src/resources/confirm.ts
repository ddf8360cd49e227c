import type { ApiContext } from '../engine';
import { cardError, invalidRequest } from '../errors';
import type { ChargeObj, PaymentIntentObj, PaymentMethodObj } from '../objects';
import { snapshot } from '../store';
import { createCharge } from './charges';
import { assertKnownPaymentMethod, resolvePaymentMethod, type TestCard } from './test-cards';

export interface ConfirmOptions {
  paymentMethod?: string;
  returnUrl?: string;
  /**
   * The device-side confirmation (Stripe.js / mobile SDK) always supplies a return URL, so the
   * control API's "confirm as the device would" skips the server-side redirect check.
   */
  asDevice?: boolean;
}

const NON_REDIRECT_TYPES = ['card', 'link', 'card_present', 'interac_present'];
const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

function unexpectedState(intent: PaymentIntentObj, message: string): Error {
  return invalidRequest(message, {
    code: 'payment_intent_unexpected_state',
    extra: { payment_intent: snapshot(intent) },
  });
}

function assertConfirmable(intent: PaymentIntentObj): void {
  if (intent.status === 'succeeded') {
    throw unexpectedState(intent, 'You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.');
  }
  if (!CONFIRMABLE.includes(intent.status)) {
    throw unexpectedState(
      intent,
      `You cannot confirm this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be confirmed: ${CONFIRMABLE.join(', ')}.`,
    );
  }
}

/**
 * Real Stripe refuses a server-side confirmation of an intent that allows redirect-based
 * methods unless a return_url is given — mirrored so such code fails here, not in production.
 */
function assertRedirectsHandled(intent: PaymentIntentObj, options: ConfirmOptions): void {
  const apm = intent.automatic_payment_methods;
  if (options.asDevice || options.returnUrl || !apm?.enabled || apm.allow_redirects === 'never') return;
  // An allow-list of methods that never redirect (cards, Link) needs no return URL.
  const allowed = intent.allowed_payment_method_types;
  if (allowed && allowed.every((type) => NON_REDIRECT_TYPES.includes(type))) return;
  throw invalidRequest(
    'A `return_url` must be specified because this Payment Intent is configured to automatically accept the payment methods enabled in the Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.',
  );
}

function succeed(ctx: ApiContext, intent: PaymentIntentObj, method: PaymentMethodObj, charge: ChargeObj): PaymentIntentObj {
  intent.status = 'succeeded';
  intent.amount_received = intent.amount;
  intent.latest_charge = charge.id;
  intent.payment_method = method.id;
  intent.last_payment_error = null;
  ctx.engine.emit('charge.succeeded', charge, ctx.request);
  ctx.engine.emit('payment_intent.succeeded', intent, ctx.request);
  return intent;
}

function decline(ctx: ApiContext, intent: PaymentIntentObj, method: PaymentMethodObj, charge: ChargeObj, card: TestCard): never {
  const decline = card.decline;
  if (!decline) throw new Error('decline() called for an approving card');
  const docUrl = `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`;
  intent.status = 'requires_payment_method';
  intent.latest_charge = charge.id;
  // Stripe detaches the failed method from the intent and reports it in last_payment_error.
  intent.payment_method = null;
  intent.last_payment_error = {
    type: 'card_error',
    code: decline.code,
    decline_code: decline.declineCode,
    message: decline.message,
    charge: charge.id,
    doc_url: docUrl,
    payment_method: snapshot(method),
  };
  ctx.engine.emit('charge.failed', charge, ctx.request);
  ctx.engine.emit('payment_intent.payment_failed', intent, ctx.request);
  throw cardError({
    code: decline.code,
    decline_code: decline.declineCode,
    message: decline.message,
    charge: charge.id,
    payment_intent: snapshot(intent),
    payment_method: snapshot(method),
  });
}

/** Every stand-in PaymentMethod is a card: refused when the intent does not offer cards, as Stripe refuses a method it does not offer. */
function assertCardOffered(intent: PaymentIntentObj): void {
  if (intent.payment_method_types.includes('card')) return;
  throw invalidRequest(
    `The provided PaymentMethod of type card is not allowed for this PaymentIntent. Allowed types: ${intent.payment_method_types.join(', ')}.`,
    { code: 'payment_intent_incompatible_payment_method', param: 'payment_method' },
  );
}

/** Every check a confirmation makes before it changes anything; returns the method to charge. */
export function preflightConfirm(ctx: ApiContext, intent: PaymentIntentObj, options: ConfirmOptions): string {
  assertConfirmable(intent);
  const ref = options.paymentMethod ?? intent.payment_method;
  if (!ref) {
    throw unexpectedState(
      intent,
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
    );
  }
  assertRedirectsHandled(intent, options);
  assertKnownPaymentMethod(ctx.engine, ref);
  assertCardOffered(intent);
  return ref;
}

/**
 * Confirms with a test PaymentMethod: a Charge is created either way; success moves the intent
 * to `succeeded`, a decline back to `requires_payment_method` and answers 402 `card_error`.
 */
export function confirmIntent(ctx: ApiContext, intent: PaymentIntentObj, options: ConfirmOptions): PaymentIntentObj {
  const ref = preflightConfirm(ctx, intent, options);
  const { method, card } = resolvePaymentMethod(ctx.engine, ref);
  const charge = createCharge(ctx.engine, intent, method, card);
  if (card.decline) decline(ctx, intent, method, charge, card);
  return succeed(ctx, intent, method, charge);
}
