import { defineRoute, ok } from '../../http/route';
import { z } from '../../shared/zod';
import { receiveStripeWebhook } from './stripe-webhook';

const Receipt = z.object({ received: z.literal(true), duplicate: z.boolean(), eventId: z.string() }).openapi('WebhookReceipt');

export const webhookRoutes = [
  defineRoute(
    {
      method: 'post',
      path: '/v1/webhooks/stripe',
      summary: 'Stripe webhook endpoint (signed; events are stored once and processed by a worker)',
      tags: ['webhooks'],
      auth: 'none',
      responses: {
        200: { description: 'Stored (or a duplicate, ignored)', schema: Receipt },
        400: { description: 'invalid_signature: nothing was done' },
      },
    },
    async (deps, { rawBody, headers }) => ok(await receiveStripeWebhook(deps, rawBody, headers['stripe-signature'])),
  ),
];
