import request from 'supertest';
import { buildApp } from '../../src/app';
import { secondsToUtcMidnight } from '../../src/providers/sms/guarded-sms';
import { createTestEnv, newPhone, type TestEnv } from '../support/harness';
import { expectProblem, expectRateLimited, lastCodeFor, textsTo } from '../support/http';

// SPEC §9 "Running it for real": per-IP limits keyed on the real client behind a trusted proxy, SMS
// only to allowed country codes, and a daily SMS budget for the whole platform.
const sendCode = (on: TestEnv, phoneNumber: string, forwardedFor?: string) => {
  const req = on.http.post('/v1/auth/phone/send-code');
  return (forwardedFor ? req.set('X-Forwarded-For', forwardedFor) : req).send({ phoneNumber });
};

describe.each([
  ['a hop count', '1'],
  ['a CIDR list', '127.0.0.1/8'],
])('send-code behind one trusted proxy (TRUST_PROXY as %s)', (_label, trustProxy) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ TRUST_PROXY: trustProxy, RATE_LIMIT_SEND_CODE_PER_IP_PER_MIN: '3' });
  });
  afterAll(() => env.close());

  it('keys the per-IP limit on the address the proxy saw, whatever the client put left of it', async () => {
    // The proxy (this test's loopback connection) appends the real client, 203.0.113.7; the client
    // chose everything before it.
    for (let i = 1; i <= 3; i += 1) expect((await sendCode(env, newPhone(), `198.51.100.${i}, 203.0.113.7`)).status).toBe(202);
    const phone = newPhone();
    expectRateLimited(await sendCode(env, phone, '198.51.100.99, 203.0.113.7'), 55, 60);
    expectRateLimited(await sendCode(env, phone, '10.0.0.1, 1.2.3.4, 203.0.113.7'), 55, 60);
    expect(textsTo(env.sms, phone)).toBe(0);
    // Another real client still has its own budget: the limit is per client, not per proxy.
    expect((await sendCode(env, newPhone(), '198.51.100.1, 203.0.113.8')).status).toBe(202);
  });
});

describe('send-code to a country Biddt does not text', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env.close());

  it('answers 422 phone_country_not_supported naming phoneNumber, and sends nothing (default: +1 only)', async () => {
    for (const phone of ['+447700900123', '+33612345678', '+8613800138000']) {
      const res = await sendCode(env, phone);
      expectProblem(res, 422, 'phone_country_not_supported');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'phoneNumber' })]);
      expect(textsTo(env.sms, phone)).toBe(0);
    }
    expect(env.sms.sent).toHaveLength(0);
    const allowed = newPhone();
    expect((await sendCode(env, allowed)).status).toBe(202);
    expect(textsTo(env.sms, allowed)).toBe(1);
  });
});

describe('send-code with SMS_ALLOWED_COUNTRY_CODES listing more than one code', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ SMS_ALLOWED_COUNTRY_CODES: '+1,+44' });
  });
  afterAll(() => env.close());

  it('texts each listed code and still refuses the others', async () => {
    expect((await sendCode(env, '+447700900123')).status).toBe(202);
    expect(textsTo(env.sms, '+447700900123')).toBe(1);
    expectProblem(await sendCode(env, '+33612345678'), 422, 'phone_country_not_supported');
    expect(textsTo(env.sms, '+33612345678')).toBe(0);
  });
});

describe('send-code within the platform-wide daily SMS budget', () => {
  let env: TestEnv;
  beforeAll(async () => {
    // Per-IP and per-phone limits stay relaxed: only the daily budget may refuse.
    env = await createTestEnv({ SMS_DAILY_LIMIT: '5', TRUST_PROXY: '1' });
  });
  afterAll(() => env.close());

  it('sends exactly 5 of 20 concurrent codes across two processes; the rest answer 503 sms_unavailable with Retry-After', async () => {
    const second = request(buildApp(await env.sibling()));
    const phones = Array.from({ length: 20 }, () => newPhone());
    const before = Date.now();
    const answers = await Promise.all(
      phones.map((phone, i) =>
        (i % 2 ? second : env.http)
          .post('/v1/auth/phone/send-code')
          .set('X-Forwarded-For', `203.0.113.${i + 1}`)
          .send({ phoneNumber: phone }),
      ),
    );
    const accepted = answers.filter((r) => r.status === 202);
    const refused = answers.filter((r) => r.status !== 202);
    expect(accepted).toHaveLength(5);
    expect(env.sms.sent).toHaveLength(5);
    expect(refused).toHaveLength(15);
    const untilMidnight = secondsToUtcMidnight(new Date(before));
    for (const res of refused) {
      expectProblem(res, 503, 'sms_unavailable');
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(untilMidnight - 60);
      expect(retryAfter).toBeLessThanOrEqual(untilMidnight);
    }
    // Texted exactly the numbers that were answered 202.
    const texted = new Set(env.sms.sent.map((m) => m.to));
    expect(phones.filter((_p, i) => answers[i].status === 202).every((p) => texted.has(p))).toBe(true);
  });

  it('still answers test phones once the budget is spent: they get no SMS, so they spend none', async () => {
    expect((await sendCode(env, '+15555550100')).status).toBe(202);
  });
});

describe('send-code when the new code cannot be texted', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ SMS_DAILY_LIMIT: '1' });
  });
  afterAll(() => env.close());

  it('keeps the code already texted: a refused resend (503) does not void it', async () => {
    const phone = newPhone();
    expect((await sendCode(env, phone)).status).toBe(202);
    const code = lastCodeFor(env.sms, phone)!;
    expect(code).toMatch(/^\d{6}$/);
    // "I did not get it": the resend is refused, the budget is spent.
    expectProblem(await sendCode(env, phone), 503, 'sms_unavailable');
    expect(textsTo(env.sms, phone)).toBe(1);
    const verified = await env.http.post('/v1/auth/phone/verify').send({ phoneNumber: phone, code });
    expect(verified.status).toBe(200);
    expect(verified.body.user.phoneNumber).toBe(phone);
  });
});
