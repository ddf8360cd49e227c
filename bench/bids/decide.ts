/**
 * `npx tsx bench/bids/decide.ts [baselineDir]` — the decide transaction alone, A/B: this checkout's
 * `decideBids` and another checkout's (e.g. the baseline commit in a git worktree), on the same
 * database, interleaved round by round. Measures what a shared, busy host distorts least: CPU time
 * per decided bid in this process (engine, Kysely, pg driver) plus in its PostgreSQL backend
 * (/proc/<pid>/stat), and the batch's wall time. Each checkout gets its own connection from its own
 * `createDb`, set up as its app would (prepared statements unless BENCH_PREPARE is `off`).
 */
import { resolve } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { types } from 'pg';
import type { Database } from '../../db/schema';
import { bidIncrementCents } from '../../src/modules/auctions/engine/engine';
import { loadConfig } from '../../src/config/config';
import { benchDatabase, percentile, round } from '../support';
import { cpuMsOf } from './cpu';

const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BASE = process.argv[2] ?? '/tmp/perf-base';
const BATCH = Number(process.env.BENCH_BATCH ?? 10);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

type CreateDb = (url: string, max: number, onIdleError: (err: Error) => void, timeouts: object, prepare: object | false) => Kysely<Database>;
type DecideBids = (deps: { db: unknown; config: unknown }, listingId: string, commands: unknown[]) => Promise<Array<{ result: { ok: boolean } }>>;

async function main(): Promise<void> {
  types.setTypeParser(20, (v) => v); // as db/connection does: bigint stays a string
  const bench = await benchDatabase(PG, `biddt_bench_decide_${Date.now().toString(36)}`);
  // Each checkout's own createDb (one connection, prepared statements as its app sets them up), so
  // the pool is configured as that checkout's app configures it (pipeline mode since session 13).
  const connect = async (dir: string) => {
    const { createDb } = (await import(resolve(dir, 'db/connection.ts'))) as { createDb: CreateDb };
    const db = createDb(bench.url, 1, () => undefined, {}, process.env.BENCH_PREPARE === 'off' ? false : {});
    const { pid } = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db)).rows[0];
    return { db, pid };
  };
  const config = { ...loadConfig({ ...process.env, NODE_ENV: 'test', DATABASE_URL: bench.url, JWT_SECRET: 'x'.repeat(40), OTP_SECRET: 'x'.repeat(40), STRIPE_SECRET_KEY: 'sk_test_bench', STRIPE_WEBHOOK_SECRET: 'whsec_bench' }) };
  const apps: Array<{ label: string; decide: DecideBids; db: Kysely<Database>; pid: number }> = [
    { label: 'baseline', decide: ((await import(resolve(BASE, 'src/modules/bidding/decide-bids.ts'))) as { decideBids: DecideBids }).decideBids, ...(await connect(BASE)) },
    { label: 'new', decide: ((await import(resolve(__dirname, '../../src/modules/bidding/decide-bids.ts'))) as { decideBids: DecideBids }).decideBids, ...(await connect(resolve(__dirname, '../..'))) },
  ];
  try {
    const bidders = await bench.db
      .insertInto('users')
      .values(Array.from({ length: 201 }, (_, i) => ({ phoneNumber: `+1555${String(7000000 + i)}`, phoneVerifiedAt: new Date(), displayName: `U ${i}` })))
      .returning('id')
      .execute();
    const [seller, ...rest] = bidders;
    const results: Record<string, Array<{ nodeUsPerBid: number; pgUsPerBid: number; batchMsP50: number }>> = { baseline: [], new: [] };
    for (let round_ = 0; round_ < ROUNDS; round_ += 1) {
      for (const app of round_ % 2 === 0 ? apps : [...apps].reverse()) {
        const listing = await bench.db
          .insertInto('listings')
          .values({ sellerId: seller.id, title: 'Decide bench', categorySlug: 'other', condition: 'good', auctionType: 'auction', startingPriceCents: 500, status: 'active', startsAt: new Date(Date.now() - 1000), endsAt: new Date(Date.now() + 3_600_000), currentPriceCents: 500 })
          .returning('id')
          .executeTakeFirstOrThrow();
        let max = 1000;
        const batchOf = (n: number) =>
          Array.from({ length: BATCH }, (_, i) => {
            max += 3 * bidIncrementCents(max);
            return { requestId: `r${round_}${app.label}${n}x${i}`, listingId: listing.id, bidderId: rest[((n + 1000) * BATCH + i) % rest.length].id, maxAmountCents: max, receivedAt: Date.now() };
          });
        for (let n = 0; n < 10; n += 1) await app.decide({ db: app.db, config }, listing.id, batchOf(-1 - n)); // warm-up
        const node0 = process.cpuUsage();
        const pg0 = cpuMsOf(app.pid);
        const times: number[] = [];
        let decided = 0;
        for (let n = 0; n < BATCHES; n += 1) {
          const t = performance.now();
          decided += (await app.decide({ db: app.db, config }, listing.id, batchOf(n))).length;
          times.push(performance.now() - t);
        }
        const node1 = process.cpuUsage(node0);
        const pgMs = cpuMsOf(app.pid) - pg0;
        times.sort((a, b) => a - b);
        results[app.label].push({
          nodeUsPerBid: round((node1.user + node1.system) / decided),
          pgUsPerBid: round((pgMs * 1000) / decided),
          batchMsP50: round(percentile(times, 50), 2),
        });
        console.error(`${app.label} round ${round_}: ${JSON.stringify(results[app.label].at(-1))}`);
      }
    }
    console.log(JSON.stringify({ at: new Date().toISOString(), batch: BATCH, batches: BATCHES, results }, null, 2));
  } finally {
    for (const app of apps) await app.db.destroy();
    await bench.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
