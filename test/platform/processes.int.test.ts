import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../src/dev/local-services';
import { createTestEnv, testEnvVars, type TestEnv } from '../support/harness';

// The real entry points as separate processes. `node --import tsx` (what `npx tsx` runs underneath)
// keeps the process we signal the process that serves, with no wrapper in between.
const ROOT = join(__dirname, '..', '..');

interface Proc {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

function spawnEntry(entry: string, env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, exited, output: () => output };
}

/** Resolves `promise`, or rejects naming `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const alive = (p: Proc) => p.child.exitCode === null && p.child.signalCode === null;

async function waitForHealth(port: number, proc: Proc, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(proc)) throw new Error(`process exited during start-up:\n${proc.output()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no /health within ${timeoutMs} ms:\n${proc.output()}`);
}

/** Opens a raw TCP connection (so the test controls exactly when each byte is sent). */
async function rawConnection(port: number): Promise<Socket & { received(): string }> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return Object.assign(socket, { received: () => received });
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const refusesConnections = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });

describe('start-up with a bad configuration', () => {
  it.each(['src/main.ts', 'workers/main.ts', 'realtime/main.ts'])(
    '%s exits non-zero naming each bad variable',
    async (entry) => {
      const proc = spawnEntry(entry, { ...process.env, NODE_ENV: 'production', PORT: 'abc', JWT_SECRET: 'short', LOG_LEVEL: 'silent' });
      const { code } = await within(proc.exited, 30_000, `${entry} exiting`);
      expect(code).toBe(78);
      expect(proc.output()).toMatch(/PORT/);
      expect(proc.output()).toMatch(/JWT_SECRET: must be at least 32 characters/);
      expect(proc.output()).toMatch(/OTP_SECRET: required in production/);
    },
    40_000,
  );
});

describe('graceful shutdown', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env.close());

  it('api: on SIGTERM refuses new connections, drops idle ones, finishes the request in flight and exits 0', async () => {
    const port = await freePort();
    const vars = testEnvVars(env.databaseUrl, {
      PORT: String(port),
      REDIS_PREFIX: env.config.redisPrefix,
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    const api = spawnEntry('src/main.ts', { ...process.env, ...vars });
    try {
      await waitForHealth(port, api);
      const idle = await rawConnection(port);
      idle.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
      await until(() => idle.received().includes('"ok"'), 5000, 'the keep-alive /health answer');
      const idleClosed = once(idle, 'close');

      const body = JSON.stringify({ phoneNumber: '+15555550100' });
      const inFlight = await rawConnection(port);
      const head = [
        'POST /v1/auth/phone/send-code HTTP/1.1',
        'Host: 127.0.0.1',
        'Content-Type: application/json',
        `Content-Length: ${body.length}`,
      ];
      inFlight.write(`${head.join('\r\n')}\r\n\r\n${body.slice(0, 10)}`);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the server has the headers: a request is in flight

      api.child.kill('SIGTERM');
      await within(idleClosed, 3000, 'closing the idle keep-alive connection');
      await until(() => refusesConnections(port), 3000, 'refusing new connections');
      expect(alive(api)).toBe(true); // still draining the request in flight

      inFlight.write(body.slice(10));
      await until(() => /\r\n\r\n.*"status":"sent"/s.test(inFlight.received()), 5000, 'answering the request in flight');
      expect(inFlight.received()).toMatch(/^HTTP\/1\.1 202 /);
      expect(inFlight.received()).toMatch(/\r\nConnection: close\r\n/i);

      // Promptly: not after SHUTDOWN_TIMEOUT_MS cuts connections that a client was told to keep alive.
      expect(await within(api.exited, 3000, 'the api exiting')).toEqual({ code: 0, signal: null });
    } finally {
      if (alive(api)) api.child.kill('SIGKILL');
    }
  }, 60_000);

  it('workers: on SIGTERM stop taking jobs and exit 0', async () => {
    const vars = testEnvVars(env.databaseUrl, { REDIS_PREFIX: env.config.redisPrefix, LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '5000' });
    const workers = spawnEntry('workers/main.ts', { ...process.env, ...vars });
    try {
      // Signals are handled once start-up is complete, which the process announces.
      await until(() => !alive(workers) || workers.output().includes('"msg":"workers running"'), 30_000, 'workers start-up');
      expect(alive(workers)).toBe(true);
      const job = await env.deps.queues.maintenance.add('maintenance.cleanup', {});
      await until(async () => (await job.getState()) === 'completed', 15_000, 'the workers process completing a job');
      expect(await env.deps.queues.maintenance.getWorkersCount()).toBeGreaterThan(0);

      workers.child.kill('SIGTERM');
      expect(await within(workers.exited, 10_000, 'the workers process exiting')).toEqual({ code: 0, signal: null });
      expect(await env.deps.queues.maintenance.getWorkersCount()).toBe(0);
      expect(await env.deps.queues.bids.getWorkersCount()).toBe(0);
    } finally {
      if (alive(workers)) workers.child.kill('SIGKILL');
    }
  }, 60_000);

  it('workers: a SIGTERM during start-up, once workers already take jobs, still ends in a graceful exit 0', async () => {
    const vars = testEnvVars(env.databaseUrl, { REDIS_PREFIX: env.config.redisPrefix, LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '5000' });
    const workers = spawnEntry('workers/main.ts', { ...process.env, ...vars });
    try {
      await until(
        async () => !alive(workers) || (await env.deps.queues.maintenance.getWorkersCount()) > 0,
        30_000,
        'a queue worker connecting',
      );
      workers.child.kill('SIGTERM');
      expect(await within(workers.exited, 15_000, 'the workers process exiting')).toEqual({ code: 0, signal: null });
      expect(workers.output()).toContain('"msg":"stopped"');
      expect(await env.deps.queues.maintenance.getWorkersCount()).toBe(0);
    } finally {
      if (alive(workers)) workers.child.kill('SIGKILL');
    }
  }, 60_000);
});
