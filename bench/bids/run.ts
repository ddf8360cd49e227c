import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { freePort } from '../../src/dev/local-services';
import { benchAccessTokens, benchAppEnv, benchDatabase, BENCH_PG_URL, round, startProcess, stopProcess } from '../support';
import { measureCloseLateness } from './close-lateness';
import { hammerListing, type HotListingResult } from './hot-listing';
import { rawHotRowRate } from './raw-pg';

/**
 * `npx tsx bench/bids/run.ts` — bid throughput on one hot listing (1 and 2 worker processes),
 * the raw PostgreSQL baseline measured in the same run, and close lateness for 1,000 listings.
 * Uses PostgreSQL/Redis from BENCH_PG_URL / BENCH_REDIS_URL (defaults: the local ones, bench/support.ts).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const BIDDERS = Number(process.env.BENCH_BIDDERS ?? 200);

async function main(): Promise<void> {
  const bench = await benchDatabase(BENCH_PG_URL, `biddt_bench_${Date.now().toString(36)}`);
  const { db } = bench;
  const env = (redisPrefix: string, port: number) =>
    benchAppEnv({
      databaseUrl: bench.url,
      redisPrefix,
      port,
      // Raised so the benchmark measures the bid path, not the per-user bid limit (SPEC default 10/min).
      extra: { BID_WAIT_MS: '10000', RATE_LIMIT_BIDS_PER_USER_PER_MIN: '1000000' },
    });
  const children: ChildProcess[] = [];
  try {
    const users = await db
      .insertInto('users')
      .values(Array.from({ length: BIDDERS + 1 }, (_, i) => ({ phoneNumber: `+1555${String(9000000 + i)}`, phoneVerifiedAt: new Date(), displayName: `Bidder ${i}` })))
      .returning(['id', 'role'])
      .execute();
    const [seller, ...bidders] = users;
    const tokens = await benchAccessTokens(db, bidders);
    const listing = async () =>
      db
        .insertInto('listings')
        .values({
          sellerId: seller.id,
          title: 'Hot listing',
          categorySlug: 'other',
          condition: 'good',
          auctionType: 'auction',
          startingPriceCents: 500,
          status: 'active',
          startsAt: new Date(Date.now() - 1000),
          endsAt: new Date(Date.now() + 3_600_000),
          currentPriceCents: 500,
        })
        .returning('id')
        .executeTakeFirstOrThrow();

    const baselineListing = await listing();
    const rawPerSec = round(await rawHotRowRate(bench.url, baselineListing.id, bidders[0].id, 5));
    console.error(`raw PostgreSQL hot-row tx, 1 client: ${rawPerSec}/s`);

    const hot: HotListingResult[] = [];
    for (const workerCount of [1, 2]) {
      const prefix = `bench${workerCount}${Date.now().toString(36)}`;
      const port = await freePort();
      const api = await startProcess('src/main.ts', env(prefix, port), /api listening/, 'api');
      children.push(api);
      for (let i = 0; i < workerCount; i += 1) children.push(await startProcess('workers/main.ts', env(prefix, 0), /workers running/, `workers${i}`));
      const result = await hammerListing({
        apiUrl: `http://127.0.0.1:${port}`,
        newListing: async () => (await listing()).id,
        tokens,
        seconds: SECONDS,
        warmupSeconds: 2,
        workers: workerCount,
      });
      console.error(`${workerCount} worker(s): ${JSON.stringify(result)}`);
      hot.push(result);
      while (children.length) await stopProcess(children.pop()!);
    }

    const prefix = `benchclose${Date.now().toString(36)}`;
    children.push(await startProcess('workers/main.ts', env(prefix, 0), /workers running/, 'workers-close'));
    const close = await measureCloseLateness(db, seller.id, bidders[0].id, 1000);
    console.error(`close lateness: ${JSON.stringify(close)}`);

    const results = {
      at: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      rawPerSec,
      hot: hot.map((h) => ({ ...h, ratioToRaw: round(h.acceptedPerSec / rawPerSec, 2) })),
      close,
    };
    mkdirSync(join(__dirname, '../results'), { recursive: true });
    writeFileSync(join(__dirname, '../results/bids-latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(JSON.stringify(results, null, 2));
  } finally {
    while (children.length) await stopProcess(children.pop()!);
    await bench.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
