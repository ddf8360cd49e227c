/** Fan-out benchmark plumbing: child processes and IPC, the host's CPU, the throw-away database. */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Client } from 'pg';
import { createDb } from '../../db/connection';
import { migrateToLatest } from '../../db/migrate';
import { isPortOpen, startEmbeddedPostgres, type LocalService } from '../../src/dev/local-services';

export const say = (line: string) => process.stderr.write(`[fanout] ${line}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const children = new Set<ChildProcess>();

export function spawnChild(file: string, env: NodeJS.ProcessEnv, extraExecArgv: string[] = []): ChildProcess {
  const compiled = file.endsWith('.js');
  const child = fork(compiled ? file : join(__dirname, file), [], {
    env,
    execArgv: compiled ? extraExecArgv : ['--import', 'tsx', ...extraExecArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function nextMessage<T>(child: ChildProcess, type: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${type}" from child within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (msg: { type: string }) => {
      if (msg.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(msg as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before "${type}"`)));
  });
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.send({ type: 'stop' });
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** Host CPU counters (all CPUs): busy and total jiffies from /proc/stat. */
export function hostCpu(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = fields.map(Number);
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: total - n[3] - n[4], total };
}
export const busyPct = (a: { busy: number; total: number }, b: { busy: number; total: number }) =>
  ((b.busy - a.busy) / Math.max(1, b.total - a.total)) * 100;

/**
 * The host is shared (other jobs may be running): wait, bounded, for a quiet moment so the numbers
 * describe the server rather than the neighbours; the host's busy share is reported either way.
 */
export async function waitForQuietHost(maxWaitSec: number, thresholdPct: number): Promise<number> {
  const deadline = Date.now() + maxWaitSec * 1000;
  for (;;) {
    const a = hostCpu();
    await sleep(2000);
    const pct = busyPct(a, hostCpu());
    if (pct <= thresholdPct || Date.now() > deadline) return pct;
    say(`host is ${pct.toFixed(0)}% busy with other work; waiting for a quieter moment`);
  }
}

/**
 * The server runs as plain JavaScript, as in production (`node dist/realtime/main.js`), not under the
 * tsx loader (whose off-thread module hooks cost memory of their own): one esbuild bundle of
 * server.ts with every package left external, written under node_modules/.cache.
 */
export async function compileServer(): Promise<string> {
  const outfile = join(__dirname, '../../node_modules/.cache/biddt-fanout/server.js');
  await build({
    entryPoints: [join(__dirname, 'server.ts')],
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

export interface ServerStats {
  sockets: number;
  rss: number;
  heapUsed: number;
  rssAfterGc: number;
  heapUsedAfterGc: number;
  cpuMs: number;
}
export interface ClientStats {
  received: number;
  measured: number;
  messages: number;
  failures: number;
  connected: number;
  hist: Array<[number, number]>;
  cpuPct: number;
}

export async function resolvePostgres(services: LocalService[]): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (await isPortOpen(5432)) return 'postgres://postgres@127.0.0.1:5432/postgres';
  const pg = await startEmbeddedPostgres({ dataDir: join(mkdtempSync(join(tmpdir(), 'biddt-bench-pg-')), 'data'), ephemeral: true });
  services.push(pg);
  return pg.url;
}

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

/** A throw-away database with one seller and one live listing for everyone to watch. */
export async function prepareDatabase(adminUrl: string): Promise<{ url: string; listingId: string; drop(): Promise<void> }> {
  const name = `biddt_bench_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const db = createDb(url, 2);
  await migrateToLatest(db);
  const seller = await db
    .insertInto('users')
    .values({ phoneNumber: '+15550000001', phoneVerifiedAt: new Date(), displayName: 'Bench Seller' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const listing = await db
    .insertInto('listings')
    .values({
      sellerId: seller.id,
      title: 'Benchmark listing',
      categorySlug: 'bikes',
      condition: 'good',
      auctionType: 'auction',
      startingPriceCents: 500,
      status: 'active',
      startsAt: new Date(),
      endsAt: new Date(Date.now() + 86_400_000),
      currentPriceCents: 500,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.destroy();
  return {
    url,
    listingId: listing.id,
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
