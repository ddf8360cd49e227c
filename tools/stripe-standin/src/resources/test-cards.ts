import type { Engine } from '../engine';
import { noSuch } from '../errors';
import { newId } from '../ids';
import type { CardDetails, PaymentMethodObj } from '../objects';

export interface Decline {
  code: string;
  declineCode: string;
  message: string;
  sellerMessage: string;
}

export interface TestCard {
  brand: string;
  last4: string;
  funding: 'credit' | 'debit';
  decline?: Decline;
}

const GENERIC_DECLINE: Decline = {
  code: 'card_declined',
  declineCode: 'generic_decline',
  message: 'Your card was declined.',
  sellerMessage: 'The bank did not return any further details with this decline.',
};

/** Stripe's test PaymentMethod ids (https://docs.stripe.com/testing) that the stand-in knows. */
export const TEST_PAYMENT_METHODS: Record<string, TestCard> = {
  pm_card_visa: { brand: 'visa', last4: '4242', funding: 'credit' },
  pm_card_visa_debit: { brand: 'visa', last4: '5556', funding: 'debit' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', funding: 'credit' },
  pm_card_amex: { brand: 'amex', last4: '8431', funding: 'credit' },
  pm_card_bypassPending: { brand: 'visa', last4: '0077', funding: 'credit' },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002', funding: 'credit', decline: GENERIC_DECLINE },
  pm_card_chargeDeclinedInsufficientFunds: {
    brand: 'visa', last4: '9995', funding: 'credit',
    decline: { ...GENERIC_DECLINE, declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.', sellerMessage: 'The bank returned the decline code `insufficient_funds`.' },
  },
  pm_card_chargeDeclinedFraudulent: {
    brand: 'visa', last4: '0019', funding: 'credit',
    decline: { ...GENERIC_DECLINE, declineCode: 'fraudulent', sellerMessage: 'The bank returned the decline code `fraudulent`.' },
  },
  pm_card_chargeDeclinedExpiredCard: {
    brand: 'visa', last4: '0069', funding: 'credit',
    decline: { code: 'expired_card', declineCode: 'expired_card', message: 'Your card has expired.', sellerMessage: 'The bank returned the decline code `expired_card`.' },
  },
  pm_card_chargeDeclinedIncorrectCvc: {
    brand: 'visa', last4: '0127', funding: 'credit',
    decline: { code: 'incorrect_cvc', declineCode: 'incorrect_cvc', message: "Your card's security code is incorrect.", sellerMessage: 'The bank returned the decline code `incorrect_cvc`.' },
  },
};

function cardDetails(card: TestCard): CardDetails {
  return {
    brand: card.brand,
    checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
    country: 'US',
    display_brand: card.brand,
    exp_month: 12,
    exp_year: new Date().getUTCFullYear() + 3,
    // Stable per card number, as Stripe's fingerprints are.
    fingerprint: `fp${card.brand}${card.last4}`.padEnd(16, '0'),
    funding: card.funding,
    generated_from: null,
    last4: card.last4,
    networks: { available: [card.brand], preferred: null },
    regulated_status: 'unregulated',
    three_d_secure_usage: { supported: true },
    wallet: null,
  };
}

function cardForStoredMethod(method: PaymentMethodObj): TestCard | undefined {
  return Object.values(TEST_PAYMENT_METHODS).find((c) => c.last4 === method.card.last4 && c.brand === method.card.brand);
}

/** Rejects an unknown `payment_method` without creating anything. */
export function assertKnownPaymentMethod(engine: Engine, ref: string): void {
  if (engine.store.get('payment_method', ref) || TEST_PAYMENT_METHODS[ref]) return;
  throw noSuch('PaymentMethod', ref, 'payment_method', 400);
}

/**
 * Resolves `payment_method` for a confirmation. Like Stripe, a test id (`pm_card_visa`) yields a
 * fresh PaymentMethod object; an id we issued earlier is reused.
 */
export function resolvePaymentMethod(engine: Engine, ref: string): { method: PaymentMethodObj; card: TestCard } {
  const stored = engine.store.get('payment_method', ref);
  const storedCard = stored && cardForStoredMethod(stored);
  if (stored && storedCard) return { method: stored, card: storedCard };
  const card = TEST_PAYMENT_METHODS[ref];
  if (!card) throw noSuch('PaymentMethod', ref, 'payment_method', 400);
  const method = engine.store.insert('payment_method', {
    id: newId('pm'),
    object: 'payment_method',
    type: 'card',
    card: cardDetails(card),
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    created: engine.now(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
  });
  return { method, card };
}
