import type { Config } from '../../config/config';
import type { Payments } from './payments';
import { StripePayments } from './stripe-payments';

const TIMEOUT_MS = 30_000;

/**
 * Stripe, at api.stripe.com or at STRIPE_API_BASE. The product never starts or knows a stand-in:
 * `npm start` and the test harness start one and configure its key, secret and origin here.
 */
export function createPayments(config: Config): Payments {
  const { secretKey, webhookSecret, connectWebhookSecret, apiBase } = config.stripe;
  if (!secretKey) throw new Error('STRIPE_SECRET_KEY is not set (npm start runs a local Stripe stand-in and sets it)');
  if (!webhookSecret) throw new Error('STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set');
  const maxNetworkRetries = config.env === 'test' ? 0 : 2;
  return new StripePayments({ secretKey, webhookSecret, connectWebhookSecret, apiBase, maxNetworkRetries, timeoutMs: TIMEOUT_MS });
}
