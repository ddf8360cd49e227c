/**
 * Helpers for tests that drive the stand-in with the real SDK: a client wired to it and a tiny
 * webhook endpoint that verifies signatures the way the API's `/v1/webhooks/stripe` must.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { readBody } from './http-io';
import { startStripeStandIn, type StripeStandIn } from './index';

/** A real Stripe SDK client pointed at a stand-in (no retries, no telemetry unless asked). */
export function standInClient(port: number, overrides: { timeout?: number; maxNetworkRetries?: number } = {}): Stripe {
  return new Stripe('sk_test_standin', {
    apiVersion: Stripe.API_VERSION,
    host: '127.0.0.1',
    port,
    protocol: 'http',
    maxNetworkRetries: overrides.maxNetworkRetries ?? 0,
    telemetry: false,
    ...(overrides.timeout !== undefined ? { timeout: overrides.timeout } : {}),
  });
}

export interface ReceivedWebhook {
  raw: string;
  signature: string;
  /** The verified event, or null when the signature check failed. */
  event: Stripe.Event | null;
  error?: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Verified events, in arrival order. */
  events(): Stripe.Event[];
  /** Answer the next `count` deliveries with `status` (to exercise retries). */
  failNext(count: number, status?: number): void;
  clear(): void;
  close(): Promise<void>;
}

/** Starts an endpoint that checks each delivery with `stripe.webhooks.constructEvent`. */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const failures = { remaining: 0, status: 500 };
  const server = http.createServer((req, res) => {
    void readBody(req).then((raw) => {
      const signature = String(req.headers['stripe-signature'] ?? '');
      if (failures.remaining > 0) {
        failures.remaining--;
        res.writeHead(failures.status).end();
        return;
      }
      try {
        const event = Stripe.webhooks.constructEvent(raw, signature, secret);
        received.push({ raw, signature, event });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}');
      } catch (err) {
        received.push({ raw, signature, event: null, error: err instanceof Error ? err.message : String(err) });
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/webhooks/stripe`,
    received,
    events: () => received.flatMap((r) => (r.event ? [r.event] : [])),
    failNext: (count, status = 500) => {
      failures.remaining = count;
      failures.status = status;
    },
    clear: () => {
      received.length = 0;
      failures.remaining = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface StandInWithReceiver {
  standIn: StripeStandIn;
  receiver: WebhookReceiver;
  stripe: Stripe;
  reset(): void;
  close(): Promise<void>;
}

/**
 * A stand-in that delivers its webhooks (fast retries) to a receiver verifying them with `secret`, and an SDK
 * client for it; `reset()` empties both between tests, `close()` stops both.
 */
export async function startStandInWithReceiver(secret: string): Promise<StandInWithReceiver> {
  const receiver = await startWebhookReceiver(secret);
  const standIn = await startStripeStandIn({
    port: 0,
    webhookUrl: receiver.url,
    webhookSecret: secret,
    delivery: { retryBaseMs: 20, retryMaxMs: 100 },
  });
  return {
    standIn,
    receiver,
    stripe: standInClient(standIn.port),
    reset: () => {
      standIn.reset();
      receiver.clear();
    },
    close: async () => {
      await standIn.close();
      await receiver.close();
    },
  };
}
