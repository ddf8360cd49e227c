/**
 * `npx tsx bench/host-speed.ts` — how fast this host is right now, on fixed work, so that results
 * measured at different times can be read side by side.
 *
 * The VMs of this machine kind change speed under us: in session 17 the same commit made 1,497–1,601
 * decided bids/s at 11:46 and 984–1,127/s at 12:25 with nothing else running, and session 18's host
 * ran the 50-listing scenario at about half session 17's rate (docs/BENCHMARKS.md). Only runs
 * interleaved in one series can be compared directly; this probe says how far apart two series' hosts
 * were. Every figure is the median of five passes, lower is faster:
 * - `jsMs`: a fixed piece of single-threaded JavaScript (objects, JSON, strings, as request handling does);
 * - `pgRoundTripUs`: one `SELECT 1` round trip to PostgreSQL, on one connection;
 * - `pgCpuMs`: a fixed CPU-bound statement inside PostgreSQL (a sum over a million generated rows);
 * - `redisRoundTripUs`: one PING round trip to Redis.
 * The bid-path and browse benchmarks record it before they start their processes (`hostSpeed`).
 */
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { round } from './support';

export interface HostSpeed {
  jsMs: number;
  pgRoundTripUs: number;
  pgCpuMs: number;
  redisRoundTripUs: number;
}

const PASSES = 5;
const ROUND_TRIPS = 300;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function medianOf(pass: () => Promise<number> | number): Promise<number> {
  const results: number[] = [];
  for (let i = 0; i < PASSES; i += 1) results.push(await pass());
  return median(results);
}

/** ≈ 23 ms on session 18's host: builds, serializes and parses small records. */
function jsPass(): number {
  const started = performance.now();
  let checksum = 0;
  for (let i = 0; i < 20_000; i += 1) {
    const record = { id: `listing-${i}`, priceCents: i * 125, title: `Trek road bike ${i % 97}`, tags: ['bike', 'road', String(i % 13)] };
    const text = JSON.stringify(record);
    checksum += (JSON.parse(text) as typeof record).title.length + text.length;
  }
  if (checksum === 0) throw new Error('unreachable: keeps the loop from being optimized away');
  return performance.now() - started;
}

async function roundTripsUs(once: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < ROUND_TRIPS; i += 1) await once();
  return ((performance.now() - started) * 1000) / ROUND_TRIPS;
}

export async function measureHostSpeed(pgUrl: string, redisUrl: string): Promise<HostSpeed> {
  const pg = new Client({ connectionString: pgUrl });
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await Promise.all([pg.connect(), redis.connect()]);
  try {
    jsPass(); // compiled and warmed before it is timed
    const jsMs = await medianOf(jsPass);
    const pgRoundTripUs = await medianOf(() => roundTripsUs(() => pg.query('SELECT 1')));
    const pgCpuMs = await medianOf(async () => {
      const started = performance.now();
      await pg.query('SELECT sum(i) FROM generate_series(1, 1000000) AS i');
      return performance.now() - started;
    });
    const redisRoundTripUs = await medianOf(() => roundTripsUs(() => redis.ping()));
    return {
      jsMs: round(jsMs, 2),
      pgRoundTripUs: round(pgRoundTripUs),
      pgCpuMs: round(pgCpuMs, 1),
      redisRoundTripUs: round(redisRoundTripUs),
    };
  } finally {
    await pg.end();
    redis.disconnect();
  }
}

if (require.main === module) {
  const pgUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  measureHostSpeed(pgUrl, redisUrl).then(
    (speed) => console.log(JSON.stringify({ at: new Date().toISOString(), ...speed })),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
