import request from 'supertest';
import { buildApp } from '../../src/app';
import { createDeps } from '../../src/composition';
import { loadConfig } from '../../src/config/config';
import { createTestEnv, createUser, testEnvVars, type TestEnv } from '../support/harness';
import { startTcpProxy } from '../support/tcp-proxy';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe('ops routes', () => {
  it('GET /health answers 200 without touching the backends', async () => {
    const res = await env.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /ready answers 200 when PostgreSQL and Redis answer', async () => {
    const res = await env.http.get('/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', postgres: true, redis: true });
  });

  it('GET /ready answers 503 promptly once Redis goes away (instead of hanging), and the deps still close', async () => {
    const redisUrl = new URL(env.config.redisUrl!);
    const proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    const deps = await createDeps(loadConfig(testEnvVars(env.databaseUrl, { REDIS_URL: `redis://127.0.0.1:${proxy.port}` })), 'test');
    // ioredis and BullMQ report each failed reconnect on console.error when nobody listens.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    deps.redis.on('error', () => undefined);
    for (const queue of Object.values(deps.queues)) queue.on('error', () => undefined);
    const app = buildApp(deps);
    try {
      expect((await request(app).get('/ready')).status).toBe(200);
      await proxy.cut();
      const started = Date.now();
      const res = await request(app).get('/ready').timeout(5000);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'not_ready', postgres: true, redis: false });
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await request(app).get('/health')).status).toBe(200);
    } finally {
      const closing = Date.now();
      await deps.close();
      expect(Date.now() - closing).toBeLessThan(3000);
      quiet.mockRestore();
    }
  });

  it('GET /metrics exposes request latency labelled by route pattern, not by URL', async () => {
    const user = await createUser(env.deps);
    expect((await env.http.get(`/v1/users/${user.id}/profile`).set(user.auth)).status).toBe(200);
    const res = await env.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/v1\/users\/:id\/profile",status="200"\} 1/);
    expect(res.text).not.toContain(user.id);
    expect(res.text).toContain('process_cpu_seconds_total');
  });

  it('GET /openapi.json is an OpenAPI 3.1 document of the /v1 routes', async () => {
    const res = await env.http.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.paths['/v1/auth/phone/verify'].post).toEqual(expect.objectContaining({ summary: expect.any(String) }));
    expect(res.body.paths['/v1/users/{id}/profile'].get.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
    expect(res.body.paths['/v1/users/me'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(res.body.paths['/v1/auth/phone/send-code'].post.security).toBeUndefined();
    expect(res.body.components.schemas.Problem).toBeDefined();
  });

  it('GET /docs serves the Swagger UI page', async () => {
    const redirect = await env.http.get('/docs');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/docs/');
    const page = await env.http.get('/docs/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<title>Biddt API</title>');
    expect(page.text).toContain('swagger-ui');
    const init = await env.http.get('/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toContain('/v1/auth/phone/verify');
  });
});

describe('X-Request-Id', () => {
  it('echoes a well-formed id the client sent, on success and on error', async () => {
    expect((await env.http.get('/health').set('X-Request-Id', 'client-id.42')).headers['x-request-id']).toBe('client-id.42');
    const failed = await env.http.get('/v1/users/me').set('X-Request-Id', 'client-id.43');
    expect(failed.status).toBe(401);
    expect(failed.headers['x-request-id']).toBe('client-id.43');
  });

  it('makes up an id when none or a malformed one is sent', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const a = (await env.http.get('/health')).headers['x-request-id'];
    const b = (await env.http.get('/health')).headers['x-request-id'];
    expect(a).toMatch(uuid);
    expect(b).toMatch(uuid);
    expect(a).not.toBe(b);
    expect((await env.http.get('/health').set('X-Request-Id', 'bad id\twith spaces')).headers['x-request-id']).toMatch(uuid);
    expect((await env.http.get('/health').set('X-Request-Id', 'x'.repeat(101))).headers['x-request-id']).toMatch(uuid);
  });

  it('is exposed to browsers by CORS', async () => {
    const res = await env.http.get('/health').set('Origin', 'https://app.example');
    expect(res.headers['access-control-expose-headers']).toMatch(/X-Request-Id/);
    expect(res.headers['access-control-expose-headers']).toMatch(/Retry-After/);
  });
});

describe('Redis connections', () => {
  it("keeps BullMQ's scripts off the request path's connection (ioredis copies every defined script onto each pipeline)", async () => {
    const bullmqScripts = (client: unknown) =>
      Object.keys((client as { scriptsSet: Record<string, unknown> }).scriptsSet).filter((name) => name.startsWith('addStandardJob'));
    const queue = env.deps.queues.bids;
    await queue.waitUntilReady();
    const queueClient = queue.opts.connection;
    expect(queueClient).not.toBe(env.deps.redis);
    expect(bullmqScripts(queueClient)).toHaveLength(1);
    expect(bullmqScripts(env.deps.redis)).toHaveLength(0);
  });
});
