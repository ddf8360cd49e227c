import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createDb } from '../../../db/connection';
import { migrateToLatest } from '../../../db/migrate';
import { loadConfig, type Config } from '../../../src/config/config';
import { createDeps, type Deps } from '../../../src/composition';
import { freePort, startEmbeddedPostgres, startRedisServer, type LocalService } from '../../../src/dev/local-services';
import { LogPush } from '../../../src/providers/push/log-push';
import { ConsoleSms } from '../../../src/providers/sms/console-sms';
import { startStripeStandIn, type StripeStandIn } from '../../../tools/stripe-standin/src';
import { compileEntryPoints } from '../../support/compiled';
import { RELAXED_LIMITS } from '../../support/harness';
import { FakeTime } from './fake-time';
import { spawnNode, until, type NodeProcess } from './processes';

/**
 * One scenario's private world: its own PostgreSQL cluster and redis-server (so it may restart,
 * FLUSHALL or kill them without touching the machine's shared ones), the Stripe stand-in, the api
 * and workers as real child processes, and "control" deps in this process that play the parts a
 * test plays elsewhere (creating users and listings, reading the database for the invariants).
 */
export interface FaultCluster {
  config: Config;
  /** Control-plane deps in the Jest process (never the system under test). */
  deps: Deps;
  /** supertest agent against the api CHILD process. */
  http: TestAgent;
  apiUrl: string;
  databaseUrl: string;
  redisUrl: string;
  standIn: StripeStandIn;
  time: FakeTime;
  api: NodeProcess | undefined;
  workers: NodeProcess[];
  startApi(): Promise<NodeProcess>;
  /** Starts `workers/main.ts` (or the fault worker with kill switches) and waits until it takes jobs. */
  startWorker(killSwitches?: KillSwitches): Promise<NodeProcess>;
  restartRedis(downMs?: number): Promise<void>;
  flushRedis(): Promise<void>;
  restartPostgres(downMs?: number): Promise<void>;
  /** Every child's stderr, for failure messages. */
  logs(): string;
  close(): Promise<void>;
}

export interface KillSwitches {
  FAULTS_KILL_AT?: string;
  FAULTS_KILL_BEFORE_STRIPE?: string;
  FAULTS_KILL_ON_COMPLETE?: string;
}

export interface ClusterOptions {
  env?: Record<string, string>;
  workers?: number;
}

const say = (line: string) => process.env.FAULTS_VERBOSE && process.stderr.write(`[faults] ${line}\n`);

async function startPostgres(dataDir: string, port: number) {
  return startEmbeddedPostgres({ dataDir, port, log: () => undefined });
}

/** The entry points as `npm run build` lays them out, plus the fault worker (test/faults/support/fault-worker.ts). */
async function compileForFaults() {
  const dist = await compileEntryPoints();
  const source = join(__dirname, 'fault-worker.ts');
  const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
    fileName: source,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const out = join(dist.dir, 'test', 'faults', 'support');
  await import('node:fs/promises').then((fs) => fs.mkdir(out, { recursive: true }));
  writeFileSync(join(out, 'fault-worker.js'), outputText);
  return { ...dist, entry: (path: string) => join(dist.dir, path.replace(/\.ts$/, '.js')) };
}

export async function startCluster(opts: ClusterOptions = {}): Promise<FaultCluster> {
  // 0755: as root, PostgreSQL runs as `postgres` and must reach its data directory where we put it.
  const dist = await compileForFaults();
  const home = mkdtempSync(join(tmpdir(), 'biddt-faults-'));
  chmodSync(home, 0o755);
  const pgPort = await freePort();
  let pg: LocalService = await startPostgres(join(home, 'pg'), pgPort);
  let redis = await startRedisServer({ dir: join(home, 'redis') });
  const redisPort = Number(new URL(redis.url).port);
  const databaseUrl = pg.url;
  const migrator = createDb(databaseUrl, 1);
  await migrateToLatest(migrator);
  await migrator.destroy();

  const webhookSecret = `whsec_faults_${randomBytes(8).toString('hex')}`;
  const standIn = await startStripeStandIn({ port: 0, webhookSecret, delivery: { retryBaseMs: 100, retryMaxMs: 1000 } });
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  standIn.setWebhookUrl(`${apiUrl}/v1/webhooks/stripe`);

  const vars: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'warn',
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: '10',
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'faults',
    AUTH_TEST_PHONE_CODES: '+15555550100:123456',
    STRIPE_SECRET_KEY: 'sk_test_biddt_faults',
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_API_BASE: standIn.url,
    WORKERS_METRICS_PORT: '0',
    // A killed worker's jobs come back within ~2.5 s (production keeps BullMQ's 30 s lock).
    BULLMQ_LOCK_DURATION_MS: '2000',
    BULLMQ_STALLED_INTERVAL_MS: '500',
    // Sweeps' schedulers a FLUSHALL took are back within 1 s (production checks every 5 s).
    SCHEDULE_CHECK_MS: '1000',
    ...RELAXED_LIMITS,
    ...opts.env,
  };
  const config = loadConfig(vars);
  const deps = await createDeps(config, 'test', { sms: new ConsoleSms(() => undefined), push: new LogPush(() => undefined) });
  const time = new FakeTime(deps);
  const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ ...process.env, ...vars, ...extra });

  const cluster: FaultCluster = {
    config,
    deps,
    http: request(apiUrl),
    apiUrl,
    databaseUrl,
    redisUrl: redis.url,
    standIn,
    time,
    api: undefined,
    workers: [],
    async startApi() {
      const api = spawnNode('api', dist.entry('src/main.ts'), childEnv());
      cluster.api = api;
      await until(
        'the api answers /health',
        async () => {
          if (!api.alive()) throw new Error(`api exited: ${api.stderr()}`);
          return (await fetch(`${apiUrl}/health`)).ok;
        },
        60_000,
        () => api.stderr(),
      );
      return api;
    },
    async startWorker(killSwitches = {}) {
      const armed = Object.keys(killSwitches).length > 0;
      const before = await deps.queues.escrow.getWorkersCount();
      const worker = spawnNode(
        'workers',
        dist.entry(armed ? 'test/faults/support/fault-worker.ts' : 'workers/main.ts'),
        childEnv({ ...killSwitches }),
      );
      cluster.workers.push(worker);
      await until(
        'the worker takes escrow jobs',
        async () => {
          if (!worker.alive()) throw new Error(`worker exited: ${worker.stderr()}`);
          return (await deps.queues.escrow.getWorkersCount()) > before;
        },
        60_000,
        () => worker.stderr(),
      );
      return worker;
    },
    async restartRedis(downMs = 500) {
      // As a Redis with persistence: what it held is saved and loaded again (FLUSHALL is the loss case).
      await deps.redis.save().catch(() => undefined);
      say('redis: stop');
      await redis.stop();
      await new Promise((r) => setTimeout(r, downMs));
      redis = await startRedisServer({ port: redisPort, dir: join(home, 'redis') });
      say('redis: started again from its snapshot');
    },
    async flushRedis() {
      say('redis: FLUSHALL');
      await deps.redis.flushall();
    },
    async restartPostgres(downMs = 500) {
      say('postgres: stop');
      await pg.stop();
      await new Promise((r) => setTimeout(r, downMs));
      pg = await startPostgres(join(home, 'pg'), pgPort);
      say('postgres: started again');
    },
    logs: () =>
      [cluster.api, ...cluster.workers]
        .filter(Boolean)
        .map((p) => `--- ${p!.name} ${p!.pid}\n${p!.stderr()}`)
        .join('\n'),
    async close() {
      standIn.setWebhookUrl(null);
      await Promise.allSettled([cluster.api, ...cluster.workers].filter(Boolean).map((p) => p!.stop(3000)));
      await deps.close().catch(() => undefined);
      await standIn.close();
      await redis.stop();
      await pg.stop();
      rmSync(home, { recursive: true, force: true });
      await dist.remove();
    },
  };
  try {
    await cluster.startApi();
    for (let i = 0; i < (opts.workers ?? 1); i += 1) await cluster.startWorker();
  } catch (err) {
    await cluster.close();
    throw err;
  }
  return cluster;
}
