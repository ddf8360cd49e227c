import { createTestEnv, newPhone, type TestEnv } from '../support/harness';
import { expectRateLimited, textsTo } from '../support/http';

// Each block raises every limit but the one it is about (RELAXED_LIMITS), then sets that one.
const sendCode = (on: TestEnv, phoneNumber: string) => on.http.post('/v1/auth/phone/send-code').send({ phoneNumber });

describe('send-code: at most one text per phone every 30 s', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ RATE_LIMIT_SEND_CODE_PHONE_INTERVAL_SEC: '30' });
  });
  afterAll(() => env.close());

  it('refuses a second text within 30 s with 429 and Retry-After, and sends nothing', async () => {
    const phone = newPhone();
    expect((await sendCode(env, phone)).status).toBe(202);
    expectRateLimited(await sendCode(env, phone), 25, 30);
    expect(textsTo(env.sms, phone)).toBe(1);
  });

  it('does not hold one number back because of another', async () => {
    expect((await sendCode(env, newPhone())).status).toBe(202);
    expect((await sendCode(env, newPhone())).status).toBe(202);
  });
});

describe('send-code: per-phone hourly limit', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ RATE_LIMIT_SEND_CODE_PER_PHONE_PER_HOUR: '3' });
  });
  afterAll(() => env.close());

  it('texts a number 3 times in the hour, then answers 429 until the hour is over', async () => {
    const phone = newPhone();
    for (let i = 0; i < 3; i += 1) expect((await sendCode(env, phone)).status).toBe(202);
    expectRateLimited(await sendCode(env, phone), 3500, 3600);
    expect(textsTo(env.sms, phone)).toBe(3);
    expect((await sendCode(env, newPhone())).status).toBe(202);
  });
});

describe('send-code: per-IP limit (5/min, the default)', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ RATE_LIMIT_SEND_CODE_PER_IP_PER_MIN: '5' });
  });
  afterAll(() => env.close());

  it('accepts 5 sends from one address to different numbers, then answers 429', async () => {
    for (let i = 0; i < 5; i += 1) expect((await sendCode(env, newPhone())).status).toBe(202);
    const phone = newPhone();
    expectRateLimited(await sendCode(env, phone), 55, 60);
    expect(textsTo(env.sms, phone)).toBe(0);
  });
});

describe('verify: per-IP limit', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ RATE_LIMIT_AUTH_PER_IP_PER_MIN: '3' });
  });
  afterAll(() => env.close());

  it('stops guessing codes from one address after the limit, even with the right code', async () => {
    const phone = '+15555550100';
    expect((await sendCode(env, phone)).status).toBe(202);
    for (let i = 0; i < 3; i += 1)
      expect((await env.http.post('/v1/auth/phone/verify').send({ phoneNumber: phone, code: '000000' })).status).toBe(401);
    expectRateLimited(await env.http.post('/v1/auth/phone/verify').send({ phoneNumber: phone, code: '123456' }), 55, 60);
  });
});
