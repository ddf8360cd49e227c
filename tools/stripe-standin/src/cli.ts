/**
 * Runs the stand-in on its own: `npx tsx tools/stripe-standin/src/cli.ts`.
 * STRIPE_WEBHOOK_SECRET is required (the API verifies with the same secret);
 * STRIPE_STANDIN_PORT (default 12111) and STRIPE_WEBHOOK_URL (default the local API) are optional.
 */
import { DEFAULT_STANDIN_PORT, startStripeStandIn } from './index';

async function main(): Promise<void> {
  const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET;
  if (!webhookSecret) {
    console.error('STRIPE_WEBHOOK_SECRET must be set (the same value the API uses to verify webhooks)');
    process.exit(1);
  }
  const port = Number(process.env.STRIPE_STANDIN_PORT ?? DEFAULT_STANDIN_PORT);
  const webhookUrl = process.env.STRIPE_WEBHOOK_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}/v1/webhooks/stripe`;
  const standIn = await startStripeStandIn({
    port,
    webhookSecret,
    webhookUrl,
    logger: (msg, data) => console.log(JSON.stringify({ msg, ...data })),
  });
  const stop = (): void => void standIn.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
