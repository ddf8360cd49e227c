import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { Client } from 'pg';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { buildApp } from '../../src/app';
import { createDeps, type Deps, type DepsOverrides } from '../../src/composition';
import { loadConfig, type Config } from '../../src/config/config';
import { signAccessToken } from '../../src/modules/auth/access-tokens';
import { accessOptions } from '../../src/modules/auth/auth.service';
import { startSession } from '../../src/modules/auth/sessions';
import { LogPush } from '../../src/providers/push/log-push';
import { ConsoleSms } from '../../src/providers/sms/console-sms';
import { createRedis } from '../../src/shared/redis';
import type { Role } from '../../db/schema';
import { withDatabase } from './global-setup';

/** Limits raised for tests that are not about rate limiting (tests about limits set their own). */
export const RELAXED_LIMITS = {
  RATE_LIMIT_SEND_CODE_PER_IP_PER_MIN: '100000',
  RATE_LIMIT_SEND_CODE_PER_PHONE_PER_HOUR: '100000',
  RATE_LIMIT_SEND_CODE_PHONE_INTERVAL_SEC: '0',
  RATE_LIMIT_AUTH_PER_IP_PER_MIN: '100000',
  RATE_LIMIT_API_PER_USER_PER_MIN: '100000',
  RATE_LIMIT_BIDS_PER_USER_PER_MIN: '100000',
  RATE_LIMIT_NEW_ACCOUNT_LISTINGS_PER_HOUR: '100000',
  SMS_DAILY_LIMIT: '1000000',
};

const unique = () => `${process.pid.toString(36)}${randomBytes(4).toString('hex')}`;

/** A database cloned from the migrated template, for one test file. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_PG_ADMIN_URL;
  const template = process.env.TEST_PG_TEMPLATE;
  if (!adminUrl || !template) throw new Error('integration tests need the global setup (run them through jest)');
  const name = `${template.replace('biddt_tpl_', 'biddt_t_')}_${unique()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  for (let attempt = 0; ; attempt += 1) {
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (err) {
      // Two files cloning the template at the same instant can collide; retry briefly.
      if (attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  await admin.end();
  return {
    url: withDatabase(adminUrl, name),
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Config for a test: own database, own Redis key prefix, relaxed limits unless overridden. */
export function testEnvVars(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: '10',
    // A new connection may take seconds on a loaded machine (the embedded PostgreSQL of a fresh
    // checkout, a full suite on 2 cores); the 2 s production bound is tested on its own (resilience).
    DATABASE_CONNECT_TIMEOUT_MS: '10000',
    // Likewise a probe's SELECT 1 or PING can take over the 500 ms production bound there, which would
    // mark a healthy dependency down (503s); the 500 ms bound is tested on its own (resilience).
    DEPENDENCY_PROBE_TIMEOUT_MS: '2000',
    REDIS_URL: process.env.TEST_REDIS_URL!,
    REDIS_PREFIX: `t${unique()}`,
    AUTH_TEST_PHONE_CODES: '+15555550100:123456,+15555550101:123456',
    // Payments are configured as in production; tests that pay start a stand-in and point these at it
    // (test/support/stripe.ts). Elsewhere nothing listens on port 9, so a stray call fails fast, offline.
    STRIPE_SECRET_KEY: 'sk_test_biddt_unused',
    STRIPE_WEBHOOK_SECRET: 'whsec_biddt_unused',
    STRIPE_API_BASE: 'http://127.0.0.1:9',
    ...RELAXED_LIMITS,
    ...extra,
  };
}

export interface TestEnv {
  config: Config;
  deps: Deps;
  app: Express;
  http: TestAgent;
  sms: ConsoleSms;
  push: LogPush;
  databaseUrl: string;
  /** Builds another set of deps on the same database and Redis prefix (a second "process"). */
  sibling(overrides?: DepsOverrides): Promise<Deps>;
  close(): Promise<void>;
}

/** Everything an integration test needs: real PostgreSQL, real Redis, the real app. */
export async function createTestEnv(extraEnv: Record<string, string> = {}, overrides: DepsOverrides = {}): Promise<TestEnv> {
  const database = await createTestDatabase();
  const config = loadConfig(testEnvVars(database.url, extraEnv));
  const sms = new ConsoleSms(() => undefined);
  const push = new LogPush(() => undefined);
  const deps = await createDeps(config, 'test', { sms, push, ...overrides });
  const app = buildApp(deps);
  const siblings: Deps[] = [];
  return {
    config,
    deps,
    app,
    http: request(app),
    sms,
    push,
    databaseUrl: database.url,
    async sibling(more = {}) {
      const d = await createDeps(config, 'test', { sms, push, ...overrides, ...more });
      siblings.push(d);
      return d;
    },
    async close() {
      await Promise.allSettled(siblings.map((d) => d.close()));
      await deps.close();
      await flushPrefix(config);
      await database.drop();
    },
  };
}

async function flushPrefix(config: Config): Promise<void> {
  const redis = createRedis(config.redisUrl!);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.redisPrefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

let phoneCounter = 0;
/** A fresh fictional phone number, unique across parallel test files. */
export function newPhone(): string {
  phoneCounter += 1;
  const n = (process.pid % 1000) * 100000 + phoneCounter;
  return `+1555${String(n).padStart(8, '0').slice(-8)}`;
}

export interface TestUser {
  id: string;
  phone: string;
  role: Role;
  accessToken: string;
  refreshToken: string;
  auth: { Authorization: string };
}

/** Creates a user with a verified phone and a session directly (no OTP round-trip). */
export async function createUser(deps: Deps, opts: { role?: Role; displayName?: string; phone?: string } = {}): Promise<TestUser> {
  const phone = opts.phone ?? newPhone();
  const user = await deps.db
    .insertInto('users')
    .values({ phoneNumber: phone, phoneVerifiedAt: new Date(), role: opts.role ?? 'user', displayName: opts.displayName ?? `User ${phone.slice(-4)}` })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { id: user.id, phone, role: user.role, ...(await openSession(deps, { id: user.id, role: user.role })) };
}

/** Opens another session (refresh family) for an existing user, as a second device signing in would. */
export async function openSession(
  deps: Deps,
  user: { id: string; role: Role },
): Promise<Pick<TestUser, 'accessToken' | 'refreshToken' | 'auth'>> {
  const { refreshToken, familyId } = await startSession(deps.db, user.id, deps.config.auth.refreshTtlSec);
  const accessToken = signAccessToken(accessOptions(deps), { userId: user.id, role: user.role, sid: familyId });
  return { accessToken, refreshToken, auth: { Authorization: `Bearer ${accessToken}` } };
}
