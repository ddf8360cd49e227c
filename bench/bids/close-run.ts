import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { loadavg } from 'node:os';
import { freePort } from '../../src/dev/local-services';
import { benchDatabase, percentile, round, startProcess, stopProcess } from '../support';
import { measureCloseLateness, type CloseLatenessResult } from './close-lateness';

/**
 * `npx tsx bench/bids/close-run.ts` — close lateness alone: 1,000 listings ending within one second,
 * BENCH_CLOSE_WORKERS worker processes (default 1), against a redis-server of its own started with `--hz 10` (Redis's default) and
 * then `--hz 100` (docker-compose.yml), each on a fresh database. BENCH_CLOSE_HZ=10,100 (the list),
 * BENCH_CLOSE_ROUNDS (rounds per hz, default 2), BENCH_CLOSE_LISTINGS (default 1,000).
 * PostgreSQL from BENCH_PG_URL (default the local one); `redis-server` must be on PATH.
 */
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const HZ = (process.env.BENCH_CLOSE_HZ ?? '10,100').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_CLOSE_ROUNDS ?? 2);
const LISTINGS = Number(process.env.BENCH_CLOSE_LISTINGS ?? 1000);
const WORKERS = Number(process.env.BENCH_CLOSE_WORKERS ?? 1);
const SECRET = 'bench-secret-bench-secret-bench-secret-000';

/** A throw-away redis-server at `hz` (no persistence), stopped by the returned function. */
async function redisAt(hz: number): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--hz', String(hz), '--maxmemory-policy', 'noeviction'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => /Ready to accept connections/.test(chunk.toString()) && resolve());
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => new Promise<void>((done) => (child.exitCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM')))),
  };
}

/** CPU ms (user + system) a process has used so far, from /proc (Linux). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** Commands Redis processed so far and its CPU ms. */
async function redisCounters(redis: Redis): Promise<{ commands: number; cpuMs: number }> {
  const info = await redis.info();
  const num = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return { commands: num('total_commands_processed'), cpuMs: (num('used_cpu_user') + num('used_cpu_sys')) * 1000 };
}

/**
 * When the worker took the close jobs and finished them, relative to their due time (`timestamp` +
 * `delay`, CLOSE_LEAD_MS before the end): p50/p99/max ms of the pick-up lag and of the run time.
 */
async function closeJobTimes(redis: Redis): Promise<Record<string, number>> {
  const pickup: number[] = [];
  const run: number[] = [];
  for (const key of await redis.keys('benchclose:auctions:close*')) {
    const [timestamp, opts, processedOn, finishedOn] = await redis.hmget(key, 'timestamp', 'opts', 'processedOn', 'finishedOn');
    if (!processedOn || !key.match(/-\d+$/)) continue; // not taken, or a duplicate from the overdue sweep (…-sweepN)
    // The hash's `delay` is zeroed when the job is promoted; the requested delay stays in its options.
    const delay = Number((JSON.parse(opts ?? '{}') as { delay?: number }).delay ?? 0);
    const due = Number(timestamp) + delay;
    pickup.push(Number(processedOn) - due);
    run.push(Number(finishedOn) - Number(processedOn));
  }
  const sweepJobs = (await redis.keys('benchclose:auctions:close-*-sweep*')).length;
  const q = (xs: number[], p: number) => round(percentile(xs.sort((a, b) => a - b), p));
  return { jobs: pickup.length, sweepJobs, pickupP50: q(pickup, 50), pickupP99: q(pickup, 99), pickupMax: q(pickup, 100), runP50: q(run, 50), runP99: q(run, 99) };
}
/** Calls per Redis command so far (INFO commandstats). */
async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  return new Map([...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1], Number(m[2])]));
}

/**
 * Per-close counts that host noise does not move: Redis commands, worker and Redis CPU, PostgreSQL
 * commits and outbox rows, from just before the listings are created until the closes' fan-out has
 * settled (outbox relayed, queues empty). Setup (1,000 listings, their close jobs) is included, the same in A and B.
 */
interface CloseCounts {
  redisCommandsPerClose: number;
  pgCommitsPerClose: number;
  outboxRowsPerClose: number;
  workerCpuMsPerClose: number;
  /** Worker CPU between the close jobs' arrival and the last close (what competes with the closes). */
  workerCpuMsPerCloseInWindow: number;
  redisCpuMsPerClose: number;
}

async function oneRound(hz: number): Promise<CloseLatenessResult & CloseCounts & { hz: number; workers: number; loadAvg1m: number }> {
  const redis = await redisAt(hz);
  const bench = await benchDatabase(PG, `biddt_close_${Date.now().toString(36)}`);
  const workers: ChildProcess[] = [];
  try {
    const [seller, bidder] = await bench.db
      .insertInto('users')
      .values([0, 1].map((i) => ({ phoneNumber: `+1555800000${i}`, phoneVerifiedAt: new Date(), displayName: `Close ${i}` })))
      .returning('id')
      .execute();
    for (let i = 0; i < WORKERS; i += 1) {
      const env = {
        NODE_ENV: 'test',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
        DATABASE_URL: bench.url,
        DATABASE_POOL_MAX: '20',
        REDIS_URL: redis.url,
        REDIS_PREFIX: 'benchclose',
        PORT: '0',
        JWT_SECRET: SECRET,
        OTP_SECRET: SECRET,
        WORKERS_METRICS_PORT: String(await freePort()),
      };
      workers.push(await startProcess('workers/main.ts', env, /workers running/, WORKERS === 1 ? 'workers' : `workers${i + 1}`));
    }
    const workersCpuMs = () => workers.reduce((sum, w) => sum + cpuMsOf(w.pid!), 0);
    const loadAvg1m = round(loadavg()[0], 2);
    const client = new Redis(redis.url);
    const commits = async () =>
      Number((await sql<{ n: string }>`SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`.execute(bench.db)).rows[0].n);
    const statsBefore = await commandStats(client);
    const before = { redis: await redisCounters(client), cpu: workersCpuMs(), commits: await commits() };
    const samples: Array<[number, number]> = [];
    const sampler = setInterval(() => samples.push([Date.now(), workersCpuMs()]), 20);
    const lateness = await measureCloseLateness(bench.db, seller.id, bidder.id, LISTINGS);
    clearInterval(sampler);
    // Worker CPU from the close jobs' arrival (CLOSE_LEAD_MS before the first end) to the last close.
    const cpuAt = (t: number) => samples.find(([at]) => at >= t)?.[1] ?? samples[samples.length - 1][1];
    const closingCpuMs = cpuAt(lateness.endsFrom + 1000 + lateness.maxMs) - cpuAt(lateness.endsFrom - 400);
    await settled(bench, client);
    const after = { redis: await redisCounters(client), cpu: workersCpuMs(), commits: await commits() };
    if (process.env.BENCH_CLOSE_DETAIL) {
      const statsAfter = await commandStats(client);
      const delta = [...statsAfter].map(([k, v]) => [k, round((v - (statsBefore.get(k) ?? 0)) / LISTINGS, 2)] as const).filter(([, v]) => v > 0);
      process.stderr.write(`[close] redis commands per close: ${JSON.stringify(Object.fromEntries(delta.sort((a, b) => b[1] - a[1])))}\n`);
      const rows = await bench.db.selectFrom('outbox').select(['topic', sql<string>`payload->>'name'`.as('name'), sql<string>`count(*)`.as('n')]).groupBy(['topic', sql`payload->>'name'`]).execute();
      process.stderr.write(`[close] outbox rows: ${JSON.stringify(rows)}\n`);
      process.stderr.write(`[close] close jobs: ${JSON.stringify(await closeJobTimes(client))}\n`);
    }
    const outbox = await bench.db.selectFrom('outbox').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
    await client.quit();
    const per = (n: number) => round(n / LISTINGS, 2);
    return {
      hz,
      workers: WORKERS,
      loadAvg1m,
      ...lateness,
      redisCommandsPerClose: per(after.redis.commands - before.redis.commands),
      pgCommitsPerClose: per(after.commits - before.commits),
      outboxRowsPerClose: per(Number(outbox.n)),
      workerCpuMsPerClose: per(after.cpu - before.cpu),
      workerCpuMsPerCloseInWindow: per(closingCpuMs),
      redisCpuMsPerClose: per(after.redis.cpuMs - before.redis.cpuMs),
    };
  } finally {
    await Promise.all(workers.map((w) => stopProcess(w)));
    await bench.drop();
    await redis.stop();
  }
}

/** Waits until the outbox is relayed and no job is waiting or active (delayed follow-ups may stay), at most 30 s. */
async function settled(bench: { db: import('../../db/connection').Db }, redis: Redis): Promise<void> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    const open = await bench.db.selectFrom('outbox').select(sql<string>`count(*)`.as('n')).where('publishedAt', 'is', null).where('failedAt', 'is', null).executeTakeFirstOrThrow();
    let busy = Number(open.n);
    for (const key of await redis.keys('benchclose:*:wait')) busy += await redis.llen(key);
    for (const key of await redis.keys('benchclose:*:active')) busy += await redis.llen(key);
    for (const key of await redis.keys('benchclose:*:prioritized')) busy += await redis.zcard(key);
    if (busy === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  const results = [];
  for (let round_ = 0; round_ < ROUNDS; round_ += 1) {
    for (const hz of HZ) {
      const r = await oneRound(hz);
      process.stderr.write(`[close] hz ${hz}: ${JSON.stringify(r)}\n`);
      results.push(r);
    }
  }
  console.log(JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
