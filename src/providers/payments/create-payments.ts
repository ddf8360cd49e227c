import type { Config } from '../../config/config';
import type { Payments } from './payments';
import { StripePayments } from './stripe-payments';

/**
 * Stripe, at api.stripe.com or at STRIPE_API_BASE. The product never starts or knows a stand-in:
 * `npm start` and the test harness start one and configure its key, secret and origin here.
 * The SDK's timeout and own retries (STRIPE_TIMEOUT_MS, STRIPE_MAX_NETWORK_RETRIES) bound how long one
 * call can take: its default is 80 s, long enough to hold a worker hostage.
 */
export function createPayments(config: Config): Payments {
  const { secretKey, webhookSecret, connectWebhookSecret, apiBase, timeoutMs, maxNetworkRetries } = config.stripe;
  if (!secretKey) throw new Error('STRIPE_SECRET_KEY is not set (npm start runs a local Stripe stand-in and sets it)');
  if (!webhookSecret) throw new Error('STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set');
  return new StripePayments({ secretKey, webhookSecret, connectWebhookSecret, apiBase, maxNetworkRetries, timeoutMs });
}
