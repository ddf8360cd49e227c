import { randomBytes } from 'node:crypto';
import type { Deps, DepsOverrides } from '../../src/composition';
import { startStripeStandIn, type StripeStandIn, type StripeStandInOptions } from '../../tools/stripe-standin/src';
import { startApi, type ApiServer } from '../../src/server';
import { startWorkers, type RunningWorkers } from '../../workers/workers';
import { CrashPoints } from './crash-points';
import { createTestEnv, type TestEnv } from './harness';

export interface StripeTestEnv extends TestEnv {
  /** This file's own Stripe stand-in (random port), delivering signed webhooks to `api`. */
  standIn: StripeStandIn;
  webhookSecret: string;
  /** The API listening on a random port (the stand-in needs a real URL to post webhooks to). */
  api: ApiServer;
  apiUrl: string;
  /** Real BullMQ workers and outbox relay, on their own deps (another "process"). */
  workers: RunningWorkers;
  workerDeps: Deps;
  /** Armed by a test to "kill" the api or the workers at a named point of the money paths. */
  crashPoints: CrashPoints;
  close(): Promise<void>;
}

export interface StripeTestOptions {
  env?: Record<string, string>;
  standIn?: Partial<Omit<StripeStandInOptions, 'webhookSecret' | 'webhookUrl' | 'port'>>;
  /** Start workers (default true). */
  workers?: boolean;
  /** The api's port (default: any free one); fixed when PUBLIC_BASE_URL must name it (stored photo URLs). */
  apiPort?: number;
  /** Overrides for every process's deps (e.g. a fake `clock` shared by the api and the workers). */
  deps?: DepsOverrides;
}

/**
 * Everything an escrow integration test needs: the Stripe stand-in on a random port, the config
 * pointing the real SDK at it, the API listening for its webhooks, and real workers.
 */
export async function createStripeTestEnv(opts: StripeTestOptions = {}): Promise<StripeTestEnv> {
  const webhookSecret = `whsec_test_${randomBytes(12).toString('hex')}`;
  const standIn = await startStripeStandIn({ port: 0, webhookSecret, delivery: { retryBaseMs: 50, retryMaxMs: 500 }, ...opts.standIn });
  const crashPoints = new CrashPoints();
  const env = await createTestEnv(
    { STRIPE_SECRET_KEY: 'sk_test_biddt_standin', STRIPE_API_BASE: standIn.url, STRIPE_WEBHOOK_SECRET: webhookSecret, ...opts.env },
    { crashHook: crashPoints.hook, ...opts.deps },
  );
  const api = await startApi(env.deps, opts.apiPort ?? 0);
  const apiUrl = `http://127.0.0.1:${api.port}`;
  standIn.setWebhookUrl(`${apiUrl}/v1/webhooks/stripe`);
  const workerDeps = await env.sibling();
  const workers =
    opts.workers === false ? { workers: [], relay: undefined as never, stop: async () => undefined } : await startWorkers(workerDeps);
  return {
    ...env,
    standIn,
    webhookSecret,
    api,
    apiUrl,
    workers,
    workerDeps,
    crashPoints,
    async close() {
      standIn.setWebhookUrl(null);
      await workers.stop();
      await api.stop();
      await standIn.close();
      await env.close();
    },
  };
}
