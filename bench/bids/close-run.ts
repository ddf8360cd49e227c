import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { freePort } from '../../src/dev/local-services';
import { benchDatabase, round, startProcess, stopProcess } from '../support';
import { measureCloseLateness, type CloseLatenessResult } from './close-lateness';

/**
 * `npx tsx bench/bids/close-run.ts` — close lateness alone: 1,000 listings ending within one second,
 * one worker process, against a redis-server of its own started with `--hz 10` (Redis's default) and
 * then `--hz 100` (docker-compose.yml), each on a fresh database. BENCH_CLOSE_HZ=10,100 (the list),
 * BENCH_CLOSE_ROUNDS (rounds per hz, default 2), BENCH_CLOSE_LISTINGS (default 1,000).
 * PostgreSQL from BENCH_PG_URL (default the local one); `redis-server` must be on PATH.
 */
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const HZ = (process.env.BENCH_CLOSE_HZ ?? '10,100').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_CLOSE_ROUNDS ?? 2);
const LISTINGS = Number(process.env.BENCH_CLOSE_LISTINGS ?? 1000);
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

async function oneRound(hz: number): Promise<CloseLatenessResult & { hz: number; loadAvg1m: number }> {
  const redis = await redisAt(hz);
  const bench = await benchDatabase(PG, `biddt_close_${Date.now().toString(36)}`);
  let worker: ChildProcess | undefined;
  try {
    const [seller, bidder] = await bench.db
      .insertInto('users')
      .values([0, 1].map((i) => ({ phoneNumber: `+1555800000${i}`, phoneVerifiedAt: new Date(), displayName: `Close ${i}` })))
      .returning('id')
      .execute();
    worker = await startProcess(
      'workers/main.ts',
      {
        NODE_ENV: 'test',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
        DATABASE_URL: bench.url,
        DATABASE_POOL_MAX: '20',
        REDIS_URL: redis.url,
        REDIS_PREFIX: 'benchclose',
        PORT: '0',
        JWT_SECRET: SECRET,
        OTP_SECRET: SECRET,
      },
      /workers running/,
      'workers',
    );
    const loadAvg1m = round(loadavg()[0], 2);
    return { hz, loadAvg1m, ...(await measureCloseLateness(bench.db, seller.id, bidder.id, LISTINGS)) };
  } finally {
    if (worker) await stopProcess(worker);
    await bench.drop();
    await redis.stop();
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
