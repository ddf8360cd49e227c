import Redis from 'ioredis';
import { Client } from 'pg';

/**
 * Work done per decided bid, counted rather than timed (host noise does not change a count):
 * Redis commands by name (`INFO commandstats`, the benchmark's own redis-server) and rows written
 * per table plus commits (`pg_stat_*`, the benchmark's own database).
 */
export interface WorkSnapshot {
  redis: Map<string, number>;
  tables: Map<string, number>;
  commits: number;
}

export async function workSnapshot(redisUrl: string, pgUrl: string, database: string): Promise<WorkSnapshot> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  const pg = new Client({ connectionString: pgUrl.replace(/\/[^/]*$/, `/${database}`) });
  await pg.connect();
  try {
    const info = await redis.info('commandstats');
    const commands = new Map<string, number>();
    for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) commands.set(m[1], Number(m[2]));
    // Statistics are sent to the collector when a backend's transaction ends; ask for fresh ones.
    await pg.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await pg.query<{ relname: string; writes: string }>(
      'SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS writes FROM pg_stat_user_tables',
    );
    const db = await pg.query<{ commits: string }>('SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()');
    return { redis: commands, tables: new Map(rows.map((r) => [r.relname, Number(r.writes)])), commits: Number(db.rows[0].commits) };
  } finally {
    redis.disconnect();
    await pg.end();
  }
}

/** Per decided bid, the counts that changed between two snapshots (largest first, rounded to 0.01). */
export function workPerBid(before: WorkSnapshot, after: WorkSnapshot, decided: number) {
  const per = (a: Map<string, number>, b: Map<string, number>) =>
    Object.fromEntries(
      [...b]
        .map(([k, v]) => [k, Math.round(((v - (a.get(k) ?? 0)) / Math.max(1, decided)) * 100) / 100] as const)
        .filter(([, v]) => v > 0)
        .sort((x, y) => y[1] - x[1]),
    );
  return {
    redisCommands: per(before.redis, after.redis),
    redisCommandsTotal: Math.round(([...after.redis].reduce((s, [k, v]) => s + v - (before.redis.get(k) ?? 0), 0) / Math.max(1, decided)) * 100) / 100,
    rowsWritten: per(before.tables, after.tables),
    commits: Math.round(((after.commits - before.commits) / Math.max(1, decided)) * 100) / 100,
  };
}
