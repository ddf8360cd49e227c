import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
import type { Database } from '../../db/schema';
import { prepareStatements, StatementNames } from '../../db/prepared';
import { browseFilter } from '../../src/modules/listings/browse-listings';
import { browseQuery, type BrowseFilter } from '../../src/modules/listings/browse.repository';
import { BrowseQuery } from '../../src/modules/listings/listings.schemas';
import { cpuMsOf } from '../bids/cpu';
import { benchDatabase, BENCH_PG_URL, round } from '../support';
import { prng } from './catalogue';
import { SHAPES } from './shapes';

/**
 * `BENCH_TEMPLATE=<db> npx tsx bench/browse/statements.ts` — the browse statement alone, without
 * HTTP: the same random requests of every shape (bench/browse/shapes.ts) on three connections of
 * one database, interleaved round by round: unnamed (as the app sends it: `planEachTime` keeps it
 * out of db/prepared.ts), and with that mark removed, prepared (`plan_cache_mode` auto: PostgreSQL
 * may switch to a generic plan after 5 executions) and prepared with `plan_cache_mode=force_custom_plan`. Reports the PostgreSQL backend's CPU (/proc) and the
 * wall time per statement, per shape, and how many generic plans the auto connection used.
 * BENCH_ROUNDS (2), BENCH_REQUESTS per round and mode (1,500).
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1500);
const TEMPLATE = process.env.BENCH_TEMPLATE;

type Mode = 'unnamed' | 'prepared' | 'prepared_custom';

async function main(): Promise<void> {
  if (!TEMPLATE) throw new Error('BENCH_TEMPLATE: a database seeded by seedCatalogue (see docs/BENCHMARKS.md, Browse)');
  const bench = await benchDatabase(BENCH_PG_URL, `biddt_browse_stmt_${Date.now().toString(36)}`, TEMPLATE);
  const connect = async (mode: Mode) => {
    const pool = new Pool({ connectionString: bench.url, max: 1, idleTimeoutMillis: 0, ...(mode === 'prepared_custom' ? { options: '-c plan_cache_mode=force_custom_plan' } : {}) });
    pool.on('error', () => undefined);
    if (mode !== 'unnamed') prepareStatements(pool, new StatementNames());
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
    const { pid } = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0];
    return { mode, db, pid };
  };
  const run = (c: { mode: Mode; db: Kysely<Database> }, filter: BrowseFilter) => {
    const compiled = browseQuery(c.db, filter).compile();
    return c.db.executeQuery(c.mode === 'unnamed' ? compiled : { ...compiled, sql: compiled.sql.replace('/* plan each time */', '') });
  };
  const conns = [await connect('unnamed'), await connect('prepared'), await connect('prepared_custom')];
  // The same request sequence for every mode: shape i % shapes, parameters from one seeded generator.
  const random = prng(11);
  const requests = Array.from({ length: REQUESTS }, (_, i) => {
    const shape = SHAPES[i % SHAPES.length];
    return { shape: shape.name, filter: browseFilter(BrowseQuery.parse(shape.params(random)), undefined) };
  });
  const out: Record<string, Array<{ pgUsPerStatement: number; wallUsPerStatement: number; byShapeWallUs: Record<string, number> }>> = {};
  try {
    for (const c of conns) for (const r of requests.slice(0, 3 * SHAPES.length)) await run(c, r.filter); // warm-up
    for (let round_ = 0; round_ < ROUNDS; round_ += 1) {
      for (const c of round_ % 2 === 0 ? conns : [...conns].reverse()) {
        const byShape: Record<string, number> = {};
        const pg0 = cpuMsOf(c.pid);
        const t0 = performance.now();
        for (const r of requests) {
          const t = performance.now();
          await run(c, r.filter);
          byShape[r.shape] = (byShape[r.shape] ?? 0) + performance.now() - t;
        }
        const wall = performance.now() - t0;
        const pgMs = cpuMsOf(c.pid) - pg0;
        const perShape = REQUESTS / SHAPES.length;
        const result = {
          pgUsPerStatement: round((pgMs * 1000) / REQUESTS),
          wallUsPerStatement: round((wall * 1000) / REQUESTS),
          byShapeWallUs: Object.fromEntries(Object.entries(byShape).map(([k, v]) => [k, round((v * 1000) / perShape)])),
        };
        (out[c.mode] ??= []).push(result);
        console.error(`${c.mode} round ${round_}: PostgreSQL ${result.pgUsPerStatement} µs CPU, ${result.wallUsPerStatement} µs wall per statement`);
      }
    }
    const plans = await sql<{ statement: string; genericPlans: number; customPlans: number }>`
      SELECT statement, generic_plans::int AS generic_plans, custom_plans::int AS custom_plans FROM pg_prepared_statements`.execute(conns[1].db);
    const generic = plans.rows.filter((p) => p.genericPlans > 0).length;
    console.error(`auto connection: ${plans.rows.length} prepared statements, ${generic} of them ran generic plans`);
    console.log(JSON.stringify({ at: new Date().toISOString(), requests: REQUESTS, rounds: ROUNDS, results: out, autoPlans: plans.rows.map((p) => ({ generic: p.genericPlans, custom: p.customPlans })) }, null, 2));
  } finally {
    for (const c of conns) await c.db.destroy();
    await bench.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
