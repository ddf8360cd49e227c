import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DEV_SECRET } from '../../src/config/env';
import { freePort } from '../../src/dev/local-services';
import { signAccessToken } from '../../src/modules/auth/access-tokens';
import { compileEntryPoints } from '../support/compiled';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

// SPEC §9: compiled entry points (`node dist/…`) apply production rules unless NODE_ENV is explicitly
// development or test. These run the compiled JavaScript with plain node and no NODE_ENV at all.
const ROOT = join(__dirname, '..', '..');
const PROD_SECRET = 'p'.repeat(40);

/** A complete production configuration with test values; no NODE_ENV. */
const productionSecrets = {
  JWT_SECRET: PROD_SECRET,
  OTP_SECRET: 'o'.repeat(40),
  TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
  TWILIO_AUTH_TOKEN: 'twilio-test-token',
  TWILIO_FROM_NUMBER: '+15145550000',
  STRIPE_SECRET_KEY: 'sk_test_not_a_real_key',
  STRIPE_WEBHOOK_SECRET: 'whsec_not_a_real_secret',
  FIREBASE_PROJECT_ID: 'biddt-test',
};

interface Proc {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

/** `node <compiled entry>` with exactly `env` (PATH aside): nothing inherited, NODE_ENV included. */
function runCompiled(dir: string, entry: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [join(dir, entry)], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitForHealth(port: number, proc: Proc): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`api exited during start-up:\n${proc.output()}`);
    if (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no /health within 30 s:\n${proc.output()}`);
}

let compiled: Awaited<ReturnType<typeof compileEntryPoints>>;
beforeAll(async () => {
  compiled = await compileEntryPoints();
}, 120_000);
afterAll(() => compiled?.remove());

describe('a compiled entry point without NODE_ENV or secrets', () => {
  it.each(['src/main.js', 'realtime/main.js', 'workers/main.js', 'db/migrate-cli.js'])(
    '%s exits non-zero listing every missing variable in one message',
    async (entry) => {
      const proc = runCompiled(compiled.dir, entry, {});
      expect(await proc.exited).toBe(78);
      const message = proc.output();
      expect(message).toMatch(/^Invalid configuration:/m);
      for (const name of [
        'JWT_SECRET',
        'OTP_SECRET',
        'DATABASE_URL',
        'REDIS_URL',
        'TWILIO_ACCOUNT_SID',
        'TWILIO_AUTH_TOKEN',
        'TWILIO_FROM_NUMBER',
        'STRIPE_SECRET_KEY',
        'STRIPE_WEBHOOK_SECRET',
        'FIREBASE_PROJECT_ID',
      ]) {
        expect(message).toContain(`${name}: required in production`);
      }
      // One message: the list is printed once, not one error after another.
      expect(message.match(/Invalid configuration/g)).toHaveLength(1);
    },
    40_000,
  );
});

describe('the compiled api without NODE_ENV, with a complete production configuration', () => {
  let env: TestEnv;
  let api: Proc;
  let port: number;
  let user: TestUser;
  beforeAll(async () => {
    env = await createTestEnv();
    // Signed by the test env, which runs with the development secret: a token anyone with the repository can forge.
    expect(env.config.auth.jwtSecret).toBe(DEV_SECRET);
    user = await createUser(env.deps, { role: 'admin' });
    port = await freePort();
    api = runCompiled(compiled.dir, 'src/main.js', {
      ...productionSecrets,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.config.redisUrl!,
      REDIS_PREFIX: env.config.redisPrefix,
      AUTH_TEST_PHONE_CODES: '+15555550100:123456',
    });
    await waitForHealth(port, api);
  }, 60_000);
  afterAll(async () => {
    if (api && api.child.exitCode === null) {
      api.child.kill('SIGTERM');
      await api.exited;
    }
    await env?.close();
  });

  const get = (path: string, token?: string) =>
    fetch(`http://127.0.0.1:${port}${path}`, { redirect: 'manual', headers: token ? { Authorization: `Bearer ${token}` } : {} });

  it('refuses a token forged with the development JWT secret (401), and accepts one signed with JWT_SECRET', async () => {
    const forged = await get('/v1/users/me', user.accessToken);
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ code: 'invalid_token' });

    const sid = JSON.parse(Buffer.from(user.accessToken.split('.')[1], 'base64url').toString()).sid as string;
    const genuine = signAccessToken(
      { secret: PROD_SECRET, issuer: env.config.auth.issuer, audience: env.config.auth.audience, ttlSec: 60 },
      { userId: user.id, role: 'admin', sid },
    );
    expect((await get('/v1/users/me', genuine)).status).toBe(200);
  });

  it('does not accept the test phone codes of AUTH_TEST_PHONE_CODES', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/auth/phone/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumber: '+15555550100', code: '123456' }),
    });
    expect(res.status).toBe(401);
  });

  it('keeps /metrics (no METRICS_TOKEN), /docs and / closed', async () => {
    for (const path of ['/metrics', '/docs/', '/openapi.json', '/']) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });
});
