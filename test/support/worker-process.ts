import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { RELAXED_LIMITS, type TestEnv } from './harness';

const ROOT = join(__dirname, '..', '..');

/** A real `workers/main.ts` process on the test's database and Redis prefix. */
export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string | null>;
  /** Everything it wrote to stderr (warnings and errors), for failure messages. */
  stderr(): string;
  /** kill -9: no shutdown hook, jobs in hand stay "active" until their lock expires. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: freezes the process exactly where it is (e.g. to see what it holds before a kill). */
  freeze(): void;
  thaw(): void;
  /** SIGTERM (graceful), then SIGKILL if it is still there after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Short BullMQ locks so a killed worker's jobs are picked up again within ~2.5 s (production keeps
 * the 30 s defaults). Renewal runs every lockDuration/2.
 */
export const FAST_STALLED_RECOVERY = { BULLMQ_LOCK_DURATION_MS: '2000', BULLMQ_STALLED_INTERVAL_MS: '500' };

/** The parent's payments configuration (the stand-in a Stripe test env started, or the harness's unused one). */
function stripeVars(env: TestEnv): Record<string, string> {
  const { secretKey, webhookSecret, apiBase } = env.config.stripe;
  return { STRIPE_SECRET_KEY: secretKey ?? '', STRIPE_WEBHOOK_SECRET: webhookSecret ?? '', STRIPE_API_BASE: apiBase ?? '' };
}

/**
 * Environment of a worker child: the same database, Redis and prefix as `env`, and the same
 * `extra` variables the test passed to createTestEnv (soft-close timing, fees…), so every process
 * decides with one configuration.
 */
export function workerEnv(env: TestEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL: env.databaseUrl,
    DATABASE_POOL_MAX: '10',
    REDIS_URL: env.config.redisUrl!,
    REDIS_PREFIX: env.config.redisPrefix,
    ...stripeVars(env),
    // Several worker processes run at once: each takes a free port for its /metrics listener.
    WORKERS_METRICS_PORT: '0',
    ...RELAXED_LIMITS,
    ...FAST_STALLED_RECOVERY,
    ...extra,
  };
}

/** A child process of ours as tests drive it: its exit, its stderr tail, SIGKILL and a graceful stop. */
export function supervise(child: ChildProcess) {
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise<number | string | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? child.signalCode);
    else child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    pid: child.pid!,
    exited,
    alive,
    stderr: () => errors,
    async kill() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 5000) {
      if (alive()) child.kill('SIGCONT'); // a frozen process must be able to hear the SIGTERM
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => alive() && child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Spawns `node --import tsx workers/main.ts` (node itself, so the pid we kill is the worker). */
export function spawnWorker(env: TestEnv, extra: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
    cwd: ROOT,
    env: workerEnv(env, extra),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const process_ = supervise(child);
  return {
    ...process_,
    freeze() {
      if (process_.alive()) child.kill('SIGSTOP');
    },
    thaw() {
      if (process_.alive()) child.kill('SIGCONT');
    },
  };
}

/** Resolves once `count` more BullMQ workers listen on the bids and auctions queues than before. */
async function waitForWorkers(
  env: TestEnv,
  before: { bids: number; auctions: number },
  count: number,
  procs: WorkerProcess[],
): Promise<void> {
  // WORKER_START_TIMEOUT_MS: a host shared with many jobs can take longer than 30 s to boot tsx workers.
  const limitMs = Number(process.env.WORKER_START_TIMEOUT_MS ?? 30_000);
  const deadline = Date.now() + limitMs;
  for (;;) {
    const [bids, auctions] = await Promise.all([env.deps.queues.bids.getWorkersCount(), env.deps.queues.auctions.getWorkersCount()]);
    if (bids >= before.bids + count && auctions >= before.auctions + count) return;
    const dead = procs.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (dead) throw new Error(`worker process ${dead.pid} exited during start-up:\n${dead.stderr()}`);
    if (Date.now() > deadline) throw new Error(`workers did not start within ${limitMs} ms:\n${procs.map((p) => p.stderr()).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Spawns `count` worker processes and waits until all of them take jobs. */
export async function spawnWorkers(env: TestEnv, count: number, extra: Record<string, string> = {}): Promise<WorkerProcess[]> {
  const before = { bids: await env.deps.queues.bids.getWorkersCount(), auctions: await env.deps.queues.auctions.getWorkersCount() };
  const procs = Array.from({ length: count }, () => spawnWorker(env, extra));
  try {
    await waitForWorkers(env, before, count, procs);
  } catch (err) {
    await Promise.all(procs.map((p) => p.kill()));
    throw err;
  }
  return procs;
}
