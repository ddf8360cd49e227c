/**
 * Outbox relay latency: commit of an event row → its PUBLISH seen on Redis (what the Socket.IO adapter
 * of every realtime node receives). Sequential events, one relay, the machine's PostgreSQL and Redis.
 * Run: npx tsx bench/outbox/latency.ts [events=300]
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createDeps } from '../../src/composition';
import { loadConfig } from '../../src/config/config';
import { eventFor, writeOutbox } from '../../src/shared/outbox';
import { createRedis } from '../../src/shared/redis';
import { listingRoom } from '../../src/shared/rooms';
import { socketKey } from '../../src/shared/socket-key';
import { OutboxRelay } from '../../workers/outbox-relay';
import { benchDatabase, percentile, round } from '../support';

async function main(): Promise<void> {
  const events = Number(process.argv[2] ?? 300);
  const adminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const database = await benchDatabase(adminUrl, `biddt_bench_outbox_${process.pid}`);
  const prefix = `benchoutbox${process.pid}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    STRIPE_SECRET_KEY: 'sk_test_unused',
    STRIPE_WEBHOOK_SECRET: 'whsec_unused',
    STRIPE_API_BASE: 'http://127.0.0.1:9',
  });
  const deps = await createDeps(config, 'workers');
  const relay = new OutboxRelay(deps);
  await relay.start();
  // Events go out one at a time, so any publish on the deployment's channels is the awaited one
  // (the emitter's messages are msgpack, not worth decoding here).
  let arrivedNow: (() => void) | undefined;
  const sub = createRedis(redisUrl);
  sub.on('pmessageBuffer', () => arrivedNow?.());
  await sub.psubscribe(`${socketKey(prefix)}*`);
  const listingId = randomUUID();
  const latencies: number[] = [];
  for (let i = 1; i <= events; i += 1) {
    const arrived = new Promise<void>((resolve) => {
      arrivedNow = resolve;
    });
    await deps.db.transaction().execute((trx) =>
      writeOutbox(trx, [eventFor('ending_soon', [listingRoom(listingId)], { listingId, seq: i, secondsRemaining: i, endsAt: new Date().toISOString() })]),
    );
    const committed = performance.now();
    await arrived;
    latencies.push(performance.now() - committed);
  }
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  console.log(
    JSON.stringify({ events, p50Ms: round(percentile(latencies, 50), 2), p90Ms: round(percentile(latencies, 90), 2), p99Ms: round(percentile(latencies, 99), 2), meanMs: round(mean, 2) }),
  );
  await relay.stop();
  sub.disconnect();
  await deps.close();
  await database.drop();
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
