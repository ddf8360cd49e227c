import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import type { Db } from '../../db/connection';
import { freePort } from '../../src/dev/local-services';
import { benchAccessTokens, benchAppEnv, benchDatabase, BENCH_PG_URL, BENCH_REDIS_URL, round, startProcess, stopProcess } from '../support';
import { measureHostSpeed } from '../host-speed';
import { recordPlans } from './explain';
import { driveBrowse, type LoadResult } from './load';
import { catalogueOf, seedCatalogue } from './seed';

/**
 * `npx tsx bench/browse/run.ts` — `GET /v1/listings` on a 100,000-listing catalogue: seeds a
 * throw-away database, records EXPLAIN (ANALYZE, BUFFERS) of every request shape, starts the api
 * (`src/main.ts`, its own process) and drives it with a closed-loop load generator.
 * PostgreSQL/Redis from BENCH_PG_URL / BENCH_REDIS_URL (defaults: the local ones).
 * BENCH_LISTINGS, BENCH_SECONDS, BENCH_CONCURRENCY, BENCH_PLAN_SAMPLES override the sizes.
 */
const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PLAN_SAMPLES = Number(process.env.BENCH_PLAN_SAMPLES ?? 20);
/** A database seeded before (`seedCatalogue`) to clone instead of seeding again: A/B runs on the same data. */
const TEMPLATE = process.env.BENCH_TEMPLATE;
const say = (line: string) => process.stderr.write(`[browse] ${line}\n`);

/** Busy and total jiffies of the whole host, to say how busy it was while measuring. */
function hostCpu(): { busy: number; total: number } {
  const n = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: total - n[3] - n[4], total };
}

/** CPU seconds (user + system) a process has used so far, from /proc (0 once it is gone). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The PostgreSQL backends serving the benchmark database (the api's pool). */
async function backendPids(db: Db, name: string): Promise<number[]> {
  const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = ${name} AND pid <> pg_backend_pid()`.execute(db);
  return rows.map((r) => r.pid);
}

async function main(): Promise<void> {
  // Before anything of the run starts: how fast the host is (see bench/host-speed.ts).
  const hostSpeed = await measureHostSpeed(BENCH_PG_URL, BENCH_REDIS_URL);
  const dbName = `biddt_browse_${Date.now().toString(36)}`;
  const bench = await benchDatabase(BENCH_PG_URL, dbName, TEMPLATE);
  const { db } = bench;
  const children: ChildProcess[] = [];
  try {
    let t = Date.now();
    const { bidderIds } = TEMPLATE ? await catalogueOf(db) : await seedCatalogue(db, LISTINGS);
    const seedSeconds = round((Date.now() - t) / 1000);
    say(`${TEMPLATE ? `cloned ${TEMPLATE}, migrated and analyzed` : `seeded ${LISTINGS} listings`} in ${seedSeconds} s`);

    t = Date.now();
    const plans = await recordPlans(db, PLAN_SAMPLES);
    say(`plans recorded in ${round((Date.now() - t) / 1000)} s`);
    for (const p of plans.shapes) say(`  ${p.shape}: execution p50 ${p.execP50Ms} ms, p99 ${p.execP99Ms} ms, max ${p.execMaxMs} ms`);

    const tokens = await benchAccessTokens(
      db,
      bidderIds.slice(0, 100).map((id) => ({ id, role: 'user' as const })),
    );
    const port = await freePort();
    const env = benchAppEnv({ databaseUrl: bench.url, redisPrefix: `benchbrowse${Date.now().toString(36)}`, port });
    children.push(await startProcess('src/main.ts', env, /api listening/, 'api'));
    const apiPid = children[0].pid!;
    // The pool opens its connections during the warm-up; the backends are read once it is full.
    let pgPids: number[] = [];
    let apiCpu0 = 0;
    let pgCpu0 = 0;
    setTimeout(() => {
      void backendPids(db, dbName).then((pids) => {
        pgPids = pids;
        apiCpu0 = cpuSeconds(apiPid);
        pgCpu0 = pids.reduce((s, pid) => s + cpuSeconds(pid), 0);
      });
    }, 5000);
    const before = hostCpu();
    const load1 = loadavg()[0];
    const result: LoadResult = await driveBrowse({
      apiUrl: `http://127.0.0.1:${port}`,
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      warmupSeconds: 5,
      tokens,
      signedInShare: 0.2,
      nextPageShare: 0.15,
    });
    const after = hostCpu();
    const served = result.overall.count;
    const apiCpuMsPerRequest = round(((cpuSeconds(apiPid) - apiCpu0) * 1000) / served, 2);
    const pgCpuMsPerRequest = round(((pgPids.reduce((s, pid) => s + cpuSeconds(pid), 0) - pgCpu0) * 1000) / served, 2);
    say(`CPU per request: api ${apiCpuMsPerRequest} ms, PostgreSQL ${pgCpuMsPerRequest} ms (${pgPids.length} backends)`);
    const hostBusyPct = round(((after.busy - before.busy) / Math.max(1, after.total - before.total)) * 100);
    say(`${result.requestsPerSec} req/s, p50 ${result.overall.p50Ms} ms, p99 ${result.overall.p99Ms} ms, errors ${result.errors}, host busy ${hostBusyPct} %`);
    for (const [shape, s] of Object.entries(result.byShape)) say(`  ${shape}: n=${s.count} p50 ${s.p50Ms} p99 ${s.p99Ms}`);

    const out = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadAvg1mAtStart: round(load1, 2), hostBusyPct, hostSpeed },
      cpuPerRequestMs: { api: apiCpuMsPerRequest, postgres: pgCpuMsPerRequest },
      setup: { listings: LISTINGS, seedSeconds, seconds: SECONDS, concurrency: CONCURRENCY, signedInShare: 0.2, nextPageShare: 0.15 },
      result,
      plans,
    };
    const dir = join(__dirname, '../results');
    mkdirSync(dir, { recursive: true });
    const name = process.env.BENCH_RESULT_NAME ?? 'browse-latest';
    writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(out, null, 2)}\n`);
    writeFileSync(
      join(dir, `${name}-plans.txt`),
      [
        ...plans.shapes.map(
          (p) =>
            `### ${p.shape}\n# ${p.samples} samples: execution p50 ${p.execP50Ms} ms, p99 ${p.execP99Ms} ms, max ${p.execMaxMs} ms\n# slowest: ${JSON.stringify(p.slowestParams)}\n${p.plan}\n`,
        ),
        ...Object.entries(plans.presentation).map(([k, v]) => `### presentation: ${k}\n${v}\n`),
      ].join('\n'),
    );
    console.log(JSON.stringify({ ...out, plans: undefined }, null, 2));
  } finally {
    while (children.length) await stopProcess(children.pop()!);
    await bench.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
