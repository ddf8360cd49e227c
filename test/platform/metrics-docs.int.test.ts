import { startWorkersMetrics } from '../../workers/metrics';
import { expectProblem } from '../support/http';
import { createTestEnv, type TestEnv } from '../support/harness';

// SPEC §9: in production /metrics needs `Authorization: Bearer $METRICS_TOKEN` (off without it), on the
// api, the realtime server and the workers; /docs is configurable; `/` leads to the docs in development.
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'p'.repeat(40),
  OTP_SECRET: 'o'.repeat(40),
  TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
  TWILIO_AUTH_TOKEN: 'twilio-test-token',
  TWILIO_FROM_NUMBER: '+15145550000',
  STRIPE_SECRET_KEY: 'sk_test_not_a_real_key',
  STRIPE_WEBHOOK_SECRET: 'whsec_not_a_real_secret',
  FIREBASE_PROJECT_ID: 'biddt-test',
  WORKERS_METRICS_PORT: '0',
};

const get = (url: string, token?: string) => fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

describe('in development and test', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env.close());

  it('redirects / to /docs (302)', async () => {
    const res = await env.http.get('/');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/docs');
  });

  it('serves /metrics without a token', async () => {
    expect((await env.http.get('/metrics')).status).toBe(200);
  });
});

describe('in development with DOCS_ENABLED=0', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ DOCS_ENABLED: '0' });
  });
  afterAll(() => env.close());

  it('serves neither /docs nor /openapi.json, and / is a 404 problem', async () => {
    for (const path of ['/docs/', '/openapi.json', '/']) expectProblem(await env.http.get(path), 404, 'route_not_found');
  });
});

describe('in production with METRICS_TOKEN', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ ...PRODUCTION, METRICS_TOKEN });
  });
  afterAll(() => env.close());

  it('api: /metrics answers 401 without the bearer token or with a wrong one, 200 with it', async () => {
    const anonymous = await env.http.get('/metrics');
    expectProblem(anonymous, 401, 'unauthorized');
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expectProblem(await env.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}x`), 401, 'unauthorized');
    expectProblem(await env.http.get('/metrics').set('Authorization', METRICS_TOKEN), 401, 'unauthorized');
    const ok = await env.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('http_request_duration_seconds');
  });

  it('api: no /docs, no /openapi.json, and / is a 404 problem', async () => {
    for (const path of ['/docs/', '/openapi.json', '/']) expectProblem(await env.http.get(path), 404, 'route_not_found');
  });

  it('workers: their own /metrics listener (WORKERS_METRICS_PORT), same token rule', async () => {
    const metrics = await startWorkersMetrics(env.deps, []);
    try {
      const url = `http://127.0.0.1:${metrics.port}/metrics`;
      expect((await get(url)).status).toBe(401);
      expect((await get(url, 'wrong-token-wrong-token')).status).toBe(401);
      const ok = await get(url, METRICS_TOKEN);
      expect(ok.status).toBe(200);
      const text = await ok.text();
      expect(text).toContain('jobs_completed_total');
      expect(text).toContain('process_cpu_seconds_total');
      expect((await get(`http://127.0.0.1:${metrics.port}/other`, METRICS_TOKEN)).status).toBe(404);
    } finally {
      await metrics.stop();
    }
  });
});

describe('in production without METRICS_TOKEN, with DOCS_ENABLED=1', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ ...PRODUCTION, DOCS_ENABLED: '1' });
  });
  afterAll(() => env.close());

  it('turns /metrics off on the api and the workers (404, even with a bearer token)', async () => {
    expectProblem(await env.http.get('/metrics'), 404, 'route_not_found');
    expectProblem(await env.http.get('/metrics').set('Authorization', 'Bearer anything-at-all-really'), 404, 'route_not_found');
    const workers = await startWorkersMetrics(env.deps, []);
    try {
      expect((await get(`http://127.0.0.1:${workers.port}/metrics`)).status).toBe(404);
    } finally {
      await workers.stop();
    }
  });

  it('serves the docs when told to', async () => {
    expect((await env.http.get('/docs/')).status).toBe(200);
    expect((await env.http.get('/')).status).toBe(302);
  });
});
