/** Public surface of the webhooks module (Stripe): receiving, verifying and storing events. */

/** POST /v1/webhooks/stripe: signature check, store once, enqueue processing. */
export { receiveStripeWebhook, HANDLED_EVENTS, type WebhookReceipt } from './stripe-webhook';
/** The stored events, for the processing flow (src/flows/process-stripe-event.ts). */
export { webhooksRepository as stripeEvents } from './webhooks.repository';
