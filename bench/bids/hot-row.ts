/**
 * `npx tsx bench/bids/hot-row.ts` — what one auction-state write costs PostgreSQL when it lands on
 * the `listings` row (every index of the table gets a new entry: the price and end indexes change,
 * so the update cannot be heap-only) versus a narrow table holding only the hot columns (fillfactor
 * 50, primary key only: a heap-only update). Same database, interleaved rounds; reports WAL bytes per
 * update (a count, unaffected by other load) and wall/CPU µs per update-and-commit.
 */
import { Client } from 'pg';
import { benchDatabase, round } from '../support';
import { cpuMsOf } from './cpu';

const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const UPDATES = Number(process.env.BENCH_UPDATES ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function main(): Promise<void> {
  const bench = await benchDatabase(PG, `biddt_bench_hotrow_${Date.now().toString(36)}`);
  const client = new Client({ connectionString: bench.url });
  await client.connect();
  try {
    const { rows: users } = await client.query<{ id: string }>(
      `INSERT INTO users (phone_number, phone_verified_at, display_name) VALUES ('+15550000001', now(), 'Seller') RETURNING id`,
    );
    // A catalogue around the hot row, so the indexes have realistic depth.
    await client.query(
      `INSERT INTO listings (seller_id, title, description, category_slug, condition, auction_type, starting_price_cents,
                             status, starts_at, ends_at, current_price_cents)
       SELECT $1, 'Trek road bike ' || g, 'barely used, size ' || g, 'other', 'good', 'auction', 500,
              'active', now(), now() + interval '3 days', 500 + g
         FROM generate_series(1, 20000) g`,
      [users[0].id],
    );
    const { rows: hot } = await client.query<{ id: string }>(`SELECT id FROM listings ORDER BY id LIMIT 1`);
    const listingId = hot[0].id;
    await client.query(`CREATE TABLE bench_auction_hot (listing_id uuid PRIMARY KEY, current_price_cents bigint, bid_count int,
                          event_seq bigint, leader_id uuid, leader_max_cents bigint, ends_at timestamptz) WITH (fillfactor = 50)`);
    await client.query(`INSERT INTO bench_auction_hot SELECT id, current_price_cents, bid_count, event_seq, NULL, NULL, ends_at FROM listings WHERE id = $1`, [listingId]);
    await client.query('VACUUM ANALYZE');
    const { rows: idx } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_indexes WHERE tablename = 'listings'`);
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;

    const variants = {
      listings: `UPDATE listings SET current_price_cents = current_price_cents + 1, bid_count = bid_count + 1, event_seq = event_seq + 1 WHERE id = $1`,
      narrow: `UPDATE bench_auction_hot SET current_price_cents = current_price_cents + 1, bid_count = bid_count + 1, event_seq = event_seq + 1 WHERE listing_id = $1`,
    };
    const results: Array<Record<string, unknown>> = [];
    for (let r = 0; r < ROUNDS; r += 1) {
      for (const [name, statement] of Object.entries(variants)) {
        const lsn0 = (await client.query<{ l: string }>('SELECT pg_current_wal_lsn() AS l')).rows[0].l;
        const cpu0 = cpuMsOf(pid);
        const t0 = performance.now();
        for (let i = 0; i < UPDATES; i += 1) {
          await client.query('BEGIN');
          await client.query(statement, [listingId]);
          await client.query('COMMIT');
        }
        const wallUs = ((performance.now() - t0) * 1000) / UPDATES;
        const cpuUs = ((cpuMsOf(pid) - cpu0) * 1000) / UPDATES;
        const wal = (await client.query<{ b: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS b`, [lsn0])).rows[0].b;
        const stats = (
          await client.query<{ upd: string; hot: string }>(
            `SELECT n_tup_upd AS upd, n_tup_hot_upd AS hot FROM pg_stat_user_tables WHERE relname = $1`,
            [name === 'listings' ? 'listings' : 'bench_auction_hot'],
          )
        ).rows[0];
        results.push({ round: r, table: name, walBytesPerUpdate: round(Number(wal) / UPDATES), backendCpuUsPerTx: round(cpuUs), wallUsPerTx: round(wallUs), hotShare: stats ? `${stats.hot}/${stats.upd}` : '?' });
      }
    }
    console.log(JSON.stringify({ at: new Date().toISOString(), listingsIndexes: Number(idx[0].n), updatesPerRound: UPDATES, results }, null, 1));
  } finally {
    await client.end();
    await bench.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
