import { spawn, type ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { createDb, type Db } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import type { Role } from '../db/schema';
import { signAccessToken } from '../src/modules/auth/access-tokens';
import { startSession } from '../src/modules/auth/sessions';

/** The PostgreSQL (admin database) and Redis a benchmark uses: BENCH_PG_URL / BENCH_REDIS_URL, else the local ones. */
export const BENCH_PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Signs the load generator's access tokens and is the started processes' JWT secret, so the api accepts them. */
const BENCH_SECRET = 'bench-secret-bench-secret-bench-secret-000';

/** Percentile of a sorted numeric array (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/**
 * A fresh, migrated database for one benchmark run (dropped by `drop`); a copy of `template` when
 * given (a database seeded before, migrated to this checkout's latest on top).
 */
export async function benchDatabase(adminUrl: string, name: string, template?: string): Promise<{ url: string; db: Db; drop(): Promise<void> }> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = createDb(url, 20);
  const drop = async () => {
    await db.destroy();
    const c = new Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
  // A failed migration must not leave the database behind (nobody holds `drop` yet).
  await migrateToLatest(db).catch(async (err: unknown) => {
    await drop();
    throw err;
  });
  return { url, db, drop };
}

/**
 * Stripe settings every process needs to start (the product never runs without them); the benchmarks
 * never reach Stripe, so the key is unused and the base points at a closed port.
 */
const UNUSED_STRIPE = { STRIPE_SECRET_KEY: 'sk_test_biddt_unused', STRIPE_WEBHOOK_SECRET: 'whsec_biddt_unused', STRIPE_API_BASE: 'http://127.0.0.1:9' };

/**
 * The environment of an api or workers process under a benchmark: its database, its own Redis
 * prefix, and the per-user API limit raised so the load measures the code path, not SPEC's
 * 100 requests/min per user. `extra` adds or overrides settings.
 */
export function benchAppEnv(o: { databaseUrl: string; redisPrefix: string; port: number; extra?: Record<string, string> }): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    DATABASE_URL: o.databaseUrl,
    DATABASE_POOL_MAX: '20',
    REDIS_URL: BENCH_REDIS_URL,
    REDIS_PREFIX: o.redisPrefix,
    PORT: String(o.port),
    JWT_SECRET: BENCH_SECRET,
    OTP_SECRET: BENCH_SECRET,
    RATE_LIMIT_API_PER_USER_PER_MIN: '1000000',
    ...o.extra,
  };
}

/** An hour's access token for each user, on a session of its own (as a signed-in app holds). */
export async function benchAccessTokens(db: Db, users: ReadonlyArray<{ id: string; role: Role }>): Promise<string[]> {
  const tokens: string[] = [];
  for (const u of users) {
    const { familyId } = await startSession(db, u.id, 3600);
    tokens.push(signAccessToken({ secret: BENCH_SECRET, issuer: 'biddt', audience: 'biddt-api', ttlSec: 3600 }, { userId: u.id, role: u.role, sid: familyId }));
  }
  return tokens;
}

/** Starts `npx tsx <entry>` as a child process and resolves once `readyLine` appears in its output. */
export function startProcess(entry: string, env: Record<string, string>, readyLine: RegExp, label: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    // BENCH_APP_DIR runs another checkout (e.g. the baseline commit) under the same load generator.
    const cwd = process.env.BENCH_APP_DIR ?? process.cwd();
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', entry], { cwd, env: { ...process.env, ...UNUSED_STRIPE, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const startMs = Number(process.env.BENCH_START_TIMEOUT_MS ?? 120_000); // a busy shared host starts slowly
    const timer = setTimeout(() => reject(new Error(`${label} did not start within ${startMs} ms`)), startMs);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      if (/"level":(50|60)/.test(text) || process.env.BENCH_VERBOSE) process.stderr.write(`[${label}] ${text}`);
      if (readyLine.test(text)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[${label}] ${chunk}`));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited early with ${code}`));
    });
  });
}

/** SIGTERM and wait for exit. */
export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}
