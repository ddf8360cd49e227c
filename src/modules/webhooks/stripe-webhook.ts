import { WebhookSignatureError } from '../../providers/payments/payments';
import { AppError } from '../../shared/errors';
import { writeOutbox } from '../../shared/outbox';
import type { Platform } from '../../shared/platform';
import { webhooksRepository } from './webhooks.repository';
import { stripeEventJob } from '../../shared/jobs/money-jobs';

/** The events we act on; any other event is stored (deduped) and acknowledged. */
export const HANDLED_EVENTS: ReadonlySet<string> = new Set([
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'account.updated',
  'charge.dispute.created',
  'charge.dispute.closed',
]);

export type WebhookReceipt = { received: true; duplicate: boolean; eventId: string };

const badSignature = (message: string) => new AppError('invalid', 'invalid_signature', `Webhook signature verification failed: ${message}`);

/**
 * POST /webhooks/stripe: the raw body's signature (and a 300 s timestamp tolerance) is checked
 * before anything else — a bad one is a 400 with no effect. The event id is stored once; the job
 * that processes it goes through the outbox in the same commit, so a crash after the answer loses
 * nothing and a redelivery (Stripe sends at least once) is acknowledged and ignored.
 */
export async function receiveStripeWebhook(
  deps: Pick<Platform, 'db' | 'payments'>,
  rawBody: Buffer | undefined,
  signature: string | string[] | undefined,
): Promise<WebhookReceipt> {
  if (!rawBody || rawBody.length === 0) throw badSignature('no body');
  if (typeof signature !== 'string' || signature === '') throw badSignature('no Stripe-Signature header');
  let event;
  try {
    event = deps.payments.constructWebhookEvent(rawBody, signature);
  } catch (err) {
    if (err instanceof WebhookSignatureError) throw badSignature(err.message);
    throw err;
  }
  const handled = HANDLED_EVENTS.has(event.type);
  const stored = await deps.db.transaction().execute(async (trx) => {
    const row = await webhooksRepository.storeOnce(trx, { id: event.id, type: event.type, objectId: event.objectId, processed: !handled });
    if (row && handled) await writeOutbox(trx, [stripeEventJob(event.id)]);
    return row !== undefined;
  });
  return { received: true, duplicate: !stored, eventId: event.id };
}
