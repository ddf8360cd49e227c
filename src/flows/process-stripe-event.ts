import { syncPaymentIntent } from '../modules/escrow';
import { syncConnectAccount } from '../modules/wallet';
import { stripeEvents } from '../modules/webhooks';
import type { Platform } from '../shared/platform';
import { closeChargeback, recordChargeback } from './chargeback';

type EventDeps = Pick<Platform, 'db' | 'payments' | 'config' | 'clock' | 'logger'>;

/**
 * `escrow.stripe_event` (a flow: the webhooks module stores events, escrow / wallet / the chargeback
 * flow act on them): acts on a stored event by re-fetching its object from Stripe, so the order
 * and number of deliveries do not matter — each handler only moves state forward and is idempotent.
 * `processed_at` is set last; a crash before it re-runs a handler that then finds nothing to do.
 */
export async function processStripeEvent(deps: EventDeps, eventId: string): Promise<string> {
  const event = await stripeEvents.find(deps.db, eventId);
  if (!event) return 'unknown_event';
  if (event.processedAt) return 'already_processed';
  if (event.failedAt) return 'failed';
  let outcome: string;
  try {
    outcome = event.objectId ? await dispatch(deps, event.type, event.objectId, event.id) : 'no_object';
  } catch (err) {
    await recordFailure(deps, event.id, err);
    throw err;
  }
  await stripeEvents.markProcessed(deps.db, event.id);
  return outcome;
}

/** Attempts before an event is marked failed (with backoff, about 17 hours of retries). */
export const STRIPE_EVENT_MAX_ATTEMPTS = 10;

/** Backoff for the sweep, and after the last attempt a failed event staff can see (an error log, `failed_at`). */
async function recordFailure(deps: EventDeps, eventId: string, err: unknown): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  const row = await stripeEvents.recordFailure(deps.db, eventId, message, STRIPE_EVENT_MAX_ATTEMPTS);
  if (row?.failedAt) deps.logger.error({ err, eventId, attempts: row.attempts }, 'stripe event failed for good: staff must look at it');
}

async function dispatch(deps: EventDeps, type: string, objectId: string, eventId: string): Promise<string> {
  switch (type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
    case 'payment_intent.canceled':
      return syncPaymentIntent(deps, objectId);
    case 'account.updated':
      return syncConnectAccount(deps, objectId, eventId);
    case 'charge.dispute.created':
      // A `closed` processed first has already recorded this chargeback (below).
      if (await stripeEvents.processedFor(deps.db, 'charge.dispute.closed', objectId)) return 'recorded';
      return recordChargeback(deps, objectId);
    case 'charge.dispute.closed':
      // Stripe does not order deliveries: a `closed` processed before its `created` would resolve
      // nothing, and the late `created` would then open a dispute (funds frozen) that the issuer had
      // already decided. So `closed` records the chargeback first unless `created` did — recording is
      // idempotent anyway (one ledger movement and one dispute per Stripe id) — then follows the issuer.
      if (!(await stripeEvents.processedFor(deps.db, 'charge.dispute.created', objectId))) await recordChargeback(deps, objectId);
      return closeChargeback(deps, objectId);
    default:
      return 'ignored';
  }
}
