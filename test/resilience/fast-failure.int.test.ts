import type { Express } from 'express';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { createDeps, type Deps } from '../../src/composition';
import { loadConfig } from '../../src/config/config';
import { startRealtime, type RealtimeServer } from '../../realtime/io';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { createTestEnv, createUser, testEnvVars, type TestEnv, type TestUser } from '../support/harness';
import { closeAllClients, openClient, refusal, type TestClient } from '../realtime/realtime-support';

// With PostgreSQL or Redis stopped or frozen, every request (authenticated ones included: session
// revocation and rate limits live in Redis) answers a 503 problem within a second, /ready says which,
// and service resumes on its own when the dependency is back. Faults are injected by a proxy in front
// of the shared servers, which keep running.

const WITHIN_MS = 1000;
const LISTING = '00000000-0000-4000-8000-000000000000';

let env: TestEnv;
let pg: FaultProxy;
let redis: FaultProxy;
let deps: Deps;
let app: Express;
let rt: RealtimeServer;
let user: TestUser;

const hostPort = (url: string) => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || (u.protocol === 'redis:' ? 6379 : 5432)) };
};

beforeAll(async () => {
  env = await createTestEnv();
  pg = await startFaultProxy(hostPort(env.databaseUrl));
  redis = await startFaultProxy(hostPort(env.config.redisUrl!));
  const vars = testEnvVars(pg.via(env.databaseUrl), {
    REDIS_URL: redis.via(env.config.redisUrl!),
    REDIS_PREFIX: env.config.redisPrefix,
    DEPENDENCY_PROBE_TIMEOUT_MS: '500', // production's bound: the answer within a second is what is tested
  });
  deps = await createDeps(loadConfig(vars), 'test');
  app = buildApp(deps);
  rt = await startRealtime(deps, 0);
  user = await createUser(env.deps);
});
afterAll(async () => {
  closeAllClients();
  await pg.restore();
  await redis.restore();
  await rt.stop();
  await deps.close();
  await Promise.all([pg.close(), redis.close()]);
  await env.close();
});

/** Sends `req`, returning the response and how long it took; a hang fails the test instead of stalling it. */
async function timed(req: request.Test): Promise<{ res: request.Response; ms: number }> {
  const started = Date.now();
  const res = await req.timeout(10_000);
  return { res, ms: Date.now() - started };
}

function expectUnavailable({ res, ms }: { res: request.Response; ms: number }): void {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 503, code: 'service_unavailable', title: 'Service Unavailable' });
  expect(res.headers['retry-after']).toBe('1');
  expect(ms).toBeLessThan(WITHIN_MS);
}

/** Polls until the signed-in user reads their profile again: recovery with no restart. */
async function expectRecovered(): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const res = await request(app).get('/v1/users/me').set(user.auth).timeout(5000);
    if (res.status === 200) break;
    if (Date.now() > deadline) throw new Error(`not recovered: last answer ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect((await request(app).get('/ready')).status).toBe(200);
}

const me = () => request(app).get('/v1/users/me').set(user.auth);
const sendCode = () => request(app).post('/v1/auth/phone/send-code').send({ phoneNumber: '+15555550100' });

it('serves normally through the proxies', async () => {
  expect((await me()).status).toBe(200);
  expect((await request(app).get('/ready')).body).toEqual({ status: 'ready', postgres: true, redis: true });
});

describe.each([
  ['stopped', (p: FaultProxy) => p.refuse()],
  ['frozen', async (p: FaultProxy) => p.hang()],
])('Redis %s', (_label, breakRedis) => {
  afterEach(() => redis.restore());

  it('answers authenticated and anonymous requests 503 within a second, /ready says redis, and recovers', async () => {
    await breakRedis(redis);
    expectUnavailable(await timed(me())); // revocation check and the per-user rate limit
    expectUnavailable(await timed(sendCode())); // per-IP and per-phone limits, no session
    expectUnavailable(await timed(me()));
    const ready = await timed(request(app).get('/ready'));
    expect(ready.res.status).toBe(503);
    expect(ready.res.body).toEqual({ status: 'not_ready', postgres: true, redis: false });
    expect(ready.ms).toBeLessThan(WITHIN_MS);
    await redis.restore();
    await expectRecovered();
  });

  it('refuses a socket handshake with a 503 problem within a second, never hanging', async () => {
    await breakRedis(redis);
    const started = Date.now();
    expect(await refusal(rt.port, user.accessToken)).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(Date.now() - started).toBeLessThan(WITHIN_MS);
    await redis.restore();
    await expectRecovered();
    await openClient(rt.port, user.accessToken); // handshakes work again
  });
});

describe.each([
  ['stopped', (p: FaultProxy) => p.refuse()],
  ['frozen', async (p: FaultProxy) => p.hang()],
])('PostgreSQL %s', (_label, breakPostgres) => {
  afterEach(() => pg.restore());

  it('answers requests 503 within a second, including those already waiting on it, /ready says postgres, and recovers', async () => {
    await expectRecovered(); // the pool holds live connections: the frozen case must not hang on them
    await breakPostgres(pg);
    const [first, second] = await Promise.all([timed(me()), timed(me())]);
    expectUnavailable(first);
    expectUnavailable(second);
    expectUnavailable(await timed(me()));
    const ready = await timed(request(app).get('/ready'));
    expect(ready.res.body).toEqual({ status: 'not_ready', postgres: false, redis: true });
    expect(ready.ms).toBeLessThan(WITHIN_MS);
    await pg.restore();
    await expectRecovered();
  });

  it('acks a socket event with a 503 problem within a second', async () => {
    const client: TestClient = await openClient(rt.port, user.accessToken);
    await breakPostgres(pg);
    const started = Date.now();
    const answer = await client.ack('subscribe', { listingId: LISTING }, 5000);
    expect(answer).toMatchObject({ ok: false, error: { status: 503, code: 'service_unavailable' } });
    expect(Date.now() - started).toBeLessThan(WITHIN_MS);
    client.close();
    await pg.restore();
    await expectRecovered();
  });
});
