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
  const outcome = event.objectId ? await dispatch(deps, event.type, event.objectId, event.id) : 'no_object';
  await stripeEvents.markProcessed(deps.db, event.id);
  return outcome;
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
      return recordChargeback(deps, objectId);
    case 'charge.dispute.closed':
      return closeChargeback(deps, objectId);
    default:
      return 'ignored';
  }
}
