import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { TwilioSms } from '../../src/providers/sms/twilio-sms';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';

let env: TestEnv;
let user: TestUser;
beforeAll(async () => {
  env = await createTestEnv();
  user = await createUser(env.deps);
});
afterAll(() => env.close());

const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field).sort();

describe('errors as RFC 9457 problem+json', () => {
  it('400 names every bad body field', async () => {
    const res = await env.http
      .patch('/v1/users/me')
      .set(user.auth)
      .send({ displayName: 'x', email: 'not-an-email', avatarUrl: 'ftp://host/a.png' });
    expectProblem(res, 400, 'validation_failed');
    expect(fields(res.body)).toEqual(['avatarUrl', 'displayName', 'email']);
    for (const error of res.body.errors) expect(error.message).toEqual(expect.any(String));
  });

  it('400 names an unknown field itself', async () => {
    const res = await env.http.patch('/v1/users/me').set(user.auth).send({ displayName: 'Valid Name', isAdmin: true, role: 'admin' });
    expectProblem(res, 400, 'validation_failed');
    expect(fields(res.body)).toEqual(['isAdmin', 'role']);
  });

  it('400 names a bad path parameter', async () => {
    const res = await env.http.get('/v1/users/not-a-uuid/profile').set(user.auth);
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors).toEqual([{ field: 'id', message: expect.any(String) }]);
  });

  it('400 for a body that is not JSON', async () => {
    const res = await env.http.post('/v1/auth/phone/send-code').set('Content-Type', 'application/json').send('{"phoneNumber": "+1514');
    expectProblem(res, 400, 'malformed_json');
  });

  it('400 for JSON that is not an object', async () => {
    const res = await env.http.post('/v1/auth/phone/send-code').set('Content-Type', 'application/json').send('["+15145550100"]');
    expectProblem(res, 400, 'validation_failed');
  });

  it('404 for an unknown route or method', async () => {
    expectProblem(await env.http.get('/v1/nothing-here'), 404, 'route_not_found');
    expectProblem(await env.http.put('/v1/users/me').set(user.auth).send({}), 404, 'route_not_found');
  });

  it('413 for a JSON body over 1 MB; one just under is read and validated', async () => {
    const big = JSON.stringify({ phoneNumber: 'x'.repeat(1024 * 1024) });
    expectProblem(
      await env.http.post('/v1/auth/phone/send-code').set('Content-Type', 'application/json').send(big),
      413,
      'payload_too_large',
    );
    const almost = JSON.stringify({ displayName: 'Big Body', padding: 'x'.repeat(1000 * 1000) });
    expect((await env.http.patch('/v1/users/me').set(user.auth).set('Content-Type', 'application/json').send(almost)).status).toBe(400);
  });

  it('415 (not 500) for a body in a charset or encoding the API does not read', async () => {
    const body = '{"phoneNumber":"+15145550100"}';
    const latin1 = await env.http.post('/v1/auth/phone/send-code').set('Content-Type', 'application/json; charset=latin1').send(body);
    expectProblem(latin1, 415, 'unsupported_encoding');
    const zstd = await env.http
      .post('/v1/auth/phone/send-code')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'zstd')
      .send(body);
    expectProblem(zstd, 415, 'unsupported_encoding');
  });

  it('401 for a protected route without a token', async () => {
    expectProblem(await env.http.get('/v1/users/me'), 401, 'missing_token');
  });

  it('points `instance` at the request path', async () => {
    const res = await env.http.get('/v1/users/me?x=1');
    expect(res.body.instance).toBe('/v1/users/me?x=1');
    expect(res.body.type).toBe('https://biddt.ca/problems/missing-token');
    expect(res.body.title).toBe('Unauthorized');
  });
});

describe('an internal error', () => {
  const SECRET_DETAIL = 'twilio rejected auth token AC0123456789';
  const leaks = /destroyed|driver|kysely|twilio|AC0123456789|at \w+ \(|node_modules|\.ts:\d+/i;

  async function expectOpaque500(res: request.Response, requestId: string): Promise<void> {
    expectProblem(res, 500, 'internal_error');
    expect(res.body.requestId).toBe(requestId);
    expect(res.text).not.toMatch(leaks);
    expect(Object.keys(res.body).sort()).toEqual(['code', 'detail', 'instance', 'requestId', 'status', 'title', 'type']);
  }

  it('answers an opaque 500 when the database is gone, leaking neither message nor stack', async () => {
    const broken = await env.sibling();
    await broken.db.selectFrom('users').select('id').limit(1).execute(); // a pool only closes once opened
    await broken.db.destroy(); // every query now throws "driver has already been destroyed"
    const requestId = `req-${randomUUID()}`;
    await expectOpaque500(await request(buildApp(broken)).get('/v1/users/me').set(user.auth).set('X-Request-Id', requestId), requestId);
  });

  it('answers an opaque 500 when the SMS sender fails in a way it does not recognise (a bug, not a provider outage)', async () => {
    const failingSms = { send: async () => Promise.reject(new Error(SECRET_DETAIL)) };
    const app = buildApp(await env.sibling({ sms: failingSms }));
    const requestId = `req-${randomUUID()}`;
    const res = await request(app).post('/v1/auth/phone/send-code').set('X-Request-Id', requestId).send({ phoneNumber: '+15145550199' });
    await expectOpaque500(res, requestId);
  });

  it('answers 503 sms_unavailable with Retry-After (no longer an opaque 500) when Twilio itself keeps answering 5xx, leaking nothing of it', async () => {
    const twilioDown = {
      async request() {
        return { statusCode: 500, body: { code: 20500, message: SECRET_DETAIL, status: 500 }, headers: {} as Record<string, string> };
      },
    };
    const sms = new TwilioSms({
      accountSid: 'AC0123456789',
      authToken: 'token',
      fromNumber: '+15145550000',
      httpClient: twilioDown,
      retryDelaysMs: [1, 1, 1],
    });
    const app = buildApp(await env.sibling({ sms }));
    const res = await request(app).post('/v1/auth/phone/send-code').send({ phoneNumber: '+15145550198' });
    expectProblem(res, 503, 'sms_unavailable');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.text).not.toMatch(leaks);
  });
});
