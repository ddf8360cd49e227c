import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { buildApp } from '../../src/app';
import { createTestEnv, createUser, type TestEnv } from '../support/harness';
import { expectRateLimited } from '../support/http';

// Two API processes behind one load balancer share their budgets through Redis: a client cannot
// double its allowance by landing on the other instance.
const API_PER_USER = 6;
const AUTH_PER_IP = 4;

let env: TestEnv;
let apps: [TestAgent, TestAgent];
beforeAll(async () => {
  env = await createTestEnv({ RATE_LIMIT_API_PER_USER_PER_MIN: String(API_PER_USER), RATE_LIMIT_AUTH_PER_IP_PER_MIN: String(AUTH_PER_IP) });
  apps = [env.http, request(buildApp(await env.sibling()))];
});
afterAll(() => env.close());

describe('rate limits shared by two app instances', () => {
  it(`lets a user make ${API_PER_USER} API calls a minute across both instances, then answers 429 on both`, async () => {
    const user = await createUser(env.deps);
    const windowStart = Date.now();
    for (let i = 0; i < API_PER_USER; i += 1) {
      const res = await apps[i % 2].get('/v1/users/me').set(user.auth);
      expect(res.status).toBe(200);
    }
    // The window opened at the first call: what is left of it, less the time the calls took.
    const left = () => 60 - Math.ceil((Date.now() - windowStart) / 1000) - 1;
    expectRateLimited(await apps[0].get('/v1/users/me').set(user.auth), left(), 60);
    expectRateLimited(await apps[1].get('/v1/users/me').set(user.auth), left(), 60);

    const someoneElse = await createUser(env.deps);
    expect((await apps[0].get('/v1/users/me').set(someoneElse.auth)).status).toBe(200);
    expect((await apps[1].get('/v1/users/me').set(someoneElse.auth)).status).toBe(200);
  });

  it(`allows ${AUTH_PER_IP} refresh attempts a minute from one address across both instances`, async () => {
    const attempt = (i: number) => apps[i % 2].post('/v1/auth/refresh').send({ refreshToken: `not-a-real-token-${i}-xxxxxxxxxxxx` });
    const windowStart = Date.now();
    for (let i = 0; i < AUTH_PER_IP; i += 1) expect((await attempt(i)).status).toBe(401);
    expectRateLimited(await attempt(AUTH_PER_IP), 60 - Math.ceil((Date.now() - windowStart) / 1000) - 1, 60);
  });
});
