import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit } from '../config/config';
import { createDeps } from '../composition';
import { migrateToLatest } from '../../db/migrate';
import { seedDemo } from '../../db/seed';
import { startApi } from '../server';
import { holdSignalsUntilStarted, stopOnSignal, type Stoppable } from '../process';
import { startRealtime } from '../../realtime/io';
import { startWorkers } from '../../workers/workers';
import { DEFAULT_STANDIN_PORT, startStripeStandIn, type StripeStandIn } from '../../tools/stripe-standin/src';
import { LocalServiceError, startEmbeddedPostgres, startRedisServer, type LocalService } from './local-services';

/** The last two are the DEV_STAFF_PHONES defaults (support and admin) so the console can be tried at once. */
const DEV_TEST_PHONES = '+15555550100:123456,+15555550101:123456,+15555550102:123456,+15555550198:123456,+15555550199:123456';
/** The stand-in accepts any test key; the API verifies its webhooks with this secret unless told otherwise. */
const STANDIN_SECRET_KEY = 'sk_test_biddt_standin';
const DEV_WEBHOOK_SECRET = 'whsec_biddt_development_only';

/**
 * `npm start`: the whole platform in one process for development and demos — api, realtime and
 * workers — on an embedded PostgreSQL and a spawned redis-server unless DATABASE_URL / REDIS_URL say otherwise.
 */
const services: LocalService[] = [];

/**
 * The support console is static files the api serves at /console. `npm start` builds it once when no
 * build exists (a fresh checkout), so one command is enough; `npm run build:console` rebuilds it.
 */
function ensureConsoleBuilt(): void {
  const root = path.resolve(__dirname, '../..');
  if (existsSync(path.join(root, 'console/dist/index.html'))) return;
  say('building the support console (console/dist) — once; npm run build:console rebuilds it');
  const vite = path.join(root, 'node_modules/vite/bin/vite.js');
  const run = spawnSync(process.execPath, [vite, 'build', '--config', path.join(root, 'console/vite.config.mts'), '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) say('the console build failed: /console will answer 404 (the API works without it)');
}
const say = (line: string) => process.stderr.write(`[biddt] ${line}\n`);

async function main(): Promise<void> {
  holdSignalsUntilStarted();
  process.env.NODE_ENV ??= 'development';
  const dev = process.env.NODE_ENV !== 'production';
  if (dev) process.env.AUTH_TEST_PHONE_CODES ??= DEV_TEST_PHONES;

  if (!process.env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres({ dataDir: '.data/postgres', port: Number(process.env.EMBEDDED_PG_PORT ?? 0) || undefined });
    services.push(pg);
    say(`DATABASE_URL not set: embedded PostgreSQL on ${pg.url} (data in ${pg.dataDir})`);
    process.env.DATABASE_URL = pg.url;
  }
  if (!process.env.REDIS_URL) {
    say('REDIS_URL not set: spawning redis-server');
    const redis = await startRedisServer({ dir: '.data/redis' });
    services.push(redis);
    process.env.REDIS_URL = redis.url;
  }

  // Payments: the local Stripe stand-in (same SDK, signed webhooks) unless a real key is configured.
  // Only this development entry point knows it; the product is configured like for Stripe itself.
  let standIn: StripeStandIn | undefined;
  if (dev && !process.env.STRIPE_SECRET_KEY) {
    process.env.STRIPE_WEBHOOK_SECRET ||= DEV_WEBHOOK_SECRET;
    standIn = await startStripeStandIn({
      port: Number(process.env.STRIPE_STANDIN_PORT) || DEFAULT_STANDIN_PORT,
      webhookSecret: process.env.STRIPE_WEBHOOK_SECRET,
      logger: (msg, data) => process.stderr.write(`[stripe-standin] ${msg} ${data ? JSON.stringify(data) : ''}\n`),
    });
    process.env.STRIPE_SECRET_KEY = STANDIN_SECRET_KEY;
    process.env.STRIPE_API_BASE = standIn.url;
    services.push({ url: standIn.url, stop: () => standIn!.close() });
  }

  ensureConsoleBuilt();
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
  say(`Console:   ${base}/console   (staff; in development +15555550198 is support, +15555550199 admin, code 123456)`);
  if (standIn) {
    standIn.setWebhookUrl(`${base}/v1/webhooks/stripe`);
    say(`Stripe:    local stand-in at ${standIn.url} (webhooks → ${base}/v1/webhooks/stripe; set STRIPE_SECRET_KEY for real Stripe)`);
  } else say('Stripe:    STRIPE_SECRET_KEY set — talking to Stripe');
  if (config.auth.testPhoneCodes.size)
    say(`Test phones (code 123456 unless set otherwise): ${[...config.auth.testPhoneCodes.keys()].join(', ')}`);

  const stopServices: Stoppable = { stop: async () => void (await Promise.allSettled(services.map((s) => s.stop()))) };
  stopOnSignal(deps.logger, [api, realtime, workers, { stop: () => deps.close() }, stopServices], config.timing.shutdownTimeoutMs);
}

// A failed start stops what it already started (a database, a Redis) before exiting non-zero; a local
// service that could not start is explained in one line.
main().catch(async (err: unknown) => {
  if (err instanceof LocalServiceError) say(err.message);
  else console.error(err);
  await Promise.allSettled(services.map((s) => s.stop()));
  process.exit(1);
});
