import type { Config } from '../../config/config';
import type { Payments } from './payments';
import { StripePayments } from './stripe-payments';

/** Development-only: the stand-in accepts any secret test key and signs with this secret unless told otherwise. */
export const STANDIN_SECRET_KEY = 'sk_test_biddt_standin';
export const DEV_WEBHOOK_SECRET = 'whsec_biddt_development_only';
const TIMEOUT_MS = 30_000;

/**
 * Stripe when STRIPE_SECRET_KEY is set; otherwise (development and test only) the local stand-in at
 * 127.0.0.1:STRIPE_STANDIN_PORT, through the same SDK and code path.
 */
export function createPayments(config: Config): Payments {
  const { secretKey, webhookSecret, standInPort } = config.stripe;
  const maxNetworkRetries = config.env === 'test' ? 0 : 2;
  if (secretKey) {
    if (!webhookSecret) throw new Error('STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set');
    return new StripePayments({ secretKey, webhookSecret, maxNetworkRetries, timeoutMs: TIMEOUT_MS });
  }
  if (!config.devConveniences) throw new Error('STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are required in production');
  return new StripePayments({
    secretKey: STANDIN_SECRET_KEY,
    webhookSecret: webhookSecret ?? DEV_WEBHOOK_SECRET,
    standInPort,
    maxNetworkRetries,
    timeoutMs: TIMEOUT_MS,
  });
}
