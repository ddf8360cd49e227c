import { loadConfigOrExit } from '../config/config';
import { createDeps } from '../composition';
import { migrateToLatest } from '../../db/migrate';
import { seedDemo } from '../../db/seed';
import { startApi } from '../server';
import { stopOnSignal, type Stoppable } from '../process';
import { startRealtime } from '../../realtime/io';
import { startWorkers } from '../../workers/workers';
import { DEV_WEBHOOK_SECRET } from '../providers/payments/create-payments';
import { DEFAULT_STANDIN_PORT, startStripeStandIn, type StripeStandIn } from '../providers/payments/stripe-standin';
import { startEmbeddedPostgres, startRedisServer, type LocalService } from './local-services';

const DEV_TEST_PHONES = '+15555550100:123456,+15555550101:123456,+15555550102:123456';

/**
 * `npm start`: the whole platform in one process for development and demos — api, realtime and
 * workers — on an embedded PostgreSQL and a spawned redis-server unless DATABASE_URL / REDIS_URL say otherwise.
 */
async function main(): Promise<void> {
  process.env.NODE_ENV ??= 'development';
  const dev = process.env.NODE_ENV !== 'production';
  if (dev) process.env.AUTH_TEST_PHONE_CODES ??= DEV_TEST_PHONES;
  const services: LocalService[] = [];
  const say = (line: string) => process.stderr.write(`[biddt] ${line}\n`);

  if (!process.env.DATABASE_URL) {
    say('DATABASE_URL not set: starting embedded PostgreSQL in .data/postgres');
    const pg = await startEmbeddedPostgres({ dataDir: '.data/postgres', port: Number(process.env.EMBEDDED_PG_PORT ?? 0) || undefined });
    services.push(pg);
    process.env.DATABASE_URL = pg.url;
  }
  if (!process.env.REDIS_URL) {
    say('REDIS_URL not set: spawning redis-server');
    const redis = await startRedisServer({ dir: '.data/redis' });
    services.push(redis);
    process.env.REDIS_URL = redis.url;
  }

  // Payments: the local Stripe stand-in (same SDK, signed webhooks) unless a real key is configured.
  let standIn: StripeStandIn | undefined;
  if (dev && !process.env.STRIPE_SECRET_KEY) {
    process.env.STRIPE_WEBHOOK_SECRET ||= DEV_WEBHOOK_SECRET;
    standIn = await startStripeStandIn({
      port: Number(process.env.STRIPE_STANDIN_PORT) || DEFAULT_STANDIN_PORT,
      webhookSecret: process.env.STRIPE_WEBHOOK_SECRET,
      logger: (msg, data) => process.stderr.write(`[stripe-standin] ${msg} ${data ? JSON.stringify(data) : ''}\n`),
    });
    process.env.STRIPE_STANDIN_PORT = String(standIn.port);
    services.push({ url: standIn.url, stop: () => standIn!.close() });
  }

  const config = loadConfigOrExit();
  const deps = await createDeps(config, 'all');
  await migrateToLatest(deps.db);
  if (config.env === 'development' && process.env.SEED_DEMO !== '0') {
    const { listings, safeZones } = await seedDemo(deps.db);
    if (listings) say(`seeded ${listings} demo listings (SEED_DEMO=0 to skip)`);
    if (safeZones) say(`seeded ${safeZones} demo safe zones (SEED_DEMO=0 to skip)`);
  }
  const api = await startApi(deps);
  const realtime = await startRealtime(deps);
  const workers = await startWorkers(deps);

  const base = `http://${config.host}:${api.port}`;
  say(`mode:      ${config.env}`);
  say(`API:       ${base}/v1   (health ${base}/health, ready ${base}/ready)`);
  say(`Socket.IO: http://${config.host}:${realtime.port}`);
  say(`Docs:      ${base}/docs   (OpenAPI ${base}/openapi.json)`);
  say(`Metrics:   ${base}/metrics`);
  if (standIn) {
    standIn.setWebhookUrl(`${base}/v1/webhooks/stripe`);
    say(`Stripe:    local stand-in at ${standIn.url} (webhooks → ${base}/v1/webhooks/stripe; set STRIPE_SECRET_KEY for real Stripe)`);
  } else say('Stripe:    STRIPE_SECRET_KEY set — talking to Stripe');
  if (config.auth.testPhoneCodes.size) say(`Test phones (code 123456 unless set otherwise): ${[...config.auth.testPhoneCodes.keys()].join(', ')}`);

  const stopServices: Stoppable = { stop: async () => void (await Promise.allSettled(services.map((s) => s.stop()))) };
  stopOnSignal(deps.logger, [api, realtime, workers, { stop: () => deps.close() }, stopServices], config.timing.shutdownTimeoutMs);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
