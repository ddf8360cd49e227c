/** Public surface of the webhooks module (Stripe). */
export { webhookRoutes } from './webhooks.routes';
export { receiveStripeWebhook, HANDLED_EVENTS, type WebhookReceipt } from './stripe-webhook';
export { processStripeEvent } from './process-stripe-event';
