import { ConsoleSms } from '../../src/providers/sms/console-sms';
import { SmsRecipientOptedOut } from '../../src/providers/sms/sms';
import { TwilioSms, type TwilioHttpClient } from '../../src/providers/sms/twilio-sms';
import { createTestEnv, newPhone, type TestEnv } from '../support/harness';
import { expectProblem, expectRateLimited, lastCodeFor, textsTo } from '../support/http';

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

/**
 * The SMS stand-in, but one the test can take down: while `down`, a send fails the way Twilio does when
 * it cannot be reached (a network error, answered 503); while `held`, sends wait until it is released.
 */
class FlakySms extends ConsoleSms {
  down = false;
  attempts = 0;
  readonly unsubscribed = new Set<string>();
  private held?: Promise<void>;
  private release?: () => void;

  constructor() {
    super(() => undefined);
  }

  hold(): void {
    this.held = new Promise((resolve) => (this.release = resolve));
  }

  unhold(): void {
    this.release?.();
    this.held = undefined;
  }

  override async send(to: string, body: string): Promise<void> {
    this.attempts += 1;
    await this.held;
    if (this.unsubscribed.has(to)) throw new SmsRecipientOptedOut(to);
    if (this.down) throw Object.assign(new Error('read ECONNRESET (api.twilio.com)'), { code: 'ECONNRESET' });
    return super.send(to, body);
  }
}

// Each test sends from its own address (the proxy is trusted), so the per-IP budgets do not mix.
const sendCodeFrom = (on: TestEnv, phoneNumber: string, ip: string) =>
  on.http.post('/v1/auth/phone/send-code').set('X-Forwarded-For', ip).send({ phoneNumber });

describe('send-code: an attempt the SMS provider failed (503) spends none of the limits', () => {
  let env: TestEnv;
  const sms = new FlakySms();
  beforeAll(async () => {
    env = await createTestEnv(
      {
        TRUST_PROXY: '1',
        RATE_LIMIT_SEND_CODE_PER_IP_PER_MIN: '3',
        RATE_LIMIT_SEND_CODE_PER_PHONE_PER_HOUR: '3',
        RATE_LIMIT_SEND_CODE_PHONE_INTERVAL_SEC: '30',
      },
      { sms },
    );
  });
  afterEach(() => {
    sms.down = false;
    sms.unhold();
  });
  afterAll(() => env.close());

  it('lets a number that hit an outage (as many tries as every limit allows) get its code and sign in once the provider is back', async () => {
    const phone = newPhone();
    const ip = '203.0.113.10';
    sms.down = true;
    for (let i = 0; i < 3; i += 1) expectProblem(await sendCodeFrom(env, phone, ip), 503, 'service_unavailable');
    expect(textsTo(sms, phone)).toBe(0);
    sms.down = false;
    expect((await sendCodeFrom(env, phone, ip)).status).toBe(202);
    expect(textsTo(sms, phone)).toBe(1);
    const verified = await env.http.post('/v1/auth/phone/verify').send({ phoneNumber: phone, code: lastCodeFor(sms, phone) });
    expect(verified.status).toBe(200);
    // The code that did go out counts as ever: a second one within 30 s is refused.
    expectRateLimited(await sendCodeFrom(env, phone, ip), 25, 30);
    expect(textsTo(sms, phone)).toBe(1);
  });

  it('gives back only what the failed attempt spent: the sends that went out still exhaust the per-IP limit', async () => {
    const ip = '203.0.113.11';
    sms.down = true;
    expectProblem(await sendCodeFrom(env, newPhone(), ip), 503, 'service_unavailable');
    sms.down = false;
    for (let i = 0; i < 3; i += 1) expect((await sendCodeFrom(env, newPhone(), ip)).status).toBe(202);
    const phone = newPhone();
    expectRateLimited(await sendCodeFrom(env, phone, ip), 55, 60);
    expect(textsTo(sms, phone)).toBe(0);
  });

  it('lets no more concurrent attempts reach a failing provider than the limit allows', async () => {
    const ip = '203.0.113.12';
    sms.down = true;
    sms.hold();
    const before = sms.attempts;
    let answered = 0;
    const burst = Array.from({ length: 10 }, () =>
      sendCodeFrom(env, newPhone(), ip).then((res) => {
        answered += 1;
        return res;
      }),
    );
    // The 3 that got through wait at the provider while the other 7 are answered (wait for both: an
    // admitted attempt may still be checking the opt-out list when the refusals are all back).
    while (answered < 7 || sms.attempts - before < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sms.attempts - before).toBe(3);
    sms.unhold();
    const statuses = (await Promise.all(burst)).map((res) => res.status).sort();
    expect(statuses).toEqual([...Array(7).fill(429), ...Array(3).fill(503)].sort());
    expect(sms.attempts - before).toBe(3);
    // The 3 failed attempts gave their points back, but the 7 refused ones count as refusals always
    // have (the counter is incremented before the check): the address stays limited for the minute.
    sms.down = false;
    expectRateLimited(await sendCodeFrom(env, newPhone(), ip), 55, 60);
  });

  it('still counts an attempt refused for another reason: a number that replied STOP (409)', async () => {
    const phone = newPhone();
    const ip = '203.0.113.13';
    sms.unsubscribed.add(phone);
    expectProblem(await sendCodeFrom(env, phone, ip), 409, 'sms_opted_out');
    expectRateLimited(await sendCodeFrom(env, phone, ip), 25, 30);
  });
});

describe('send-code: an attempt refused because the daily SMS budget is spent (503 sms_unavailable) spends none of the limits', () => {
  let env: TestEnv;
  let offsetMs = 0;
  beforeAll(async () => {
    env = await createTestEnv(
      {
        SMS_DAILY_LIMIT: '1',
        RATE_LIMIT_SEND_CODE_PER_IP_PER_MIN: '3',
        RATE_LIMIT_SEND_CODE_PER_PHONE_PER_HOUR: '3',
        RATE_LIMIT_SEND_CODE_PHONE_INTERVAL_SEC: '30',
      },
      { clock: { now: () => new Date(Date.now() + offsetMs) } },
    );
  });
  afterAll(() => env.close());

  it('texts the number once the budget is back', async () => {
    expect((await sendCode(env, newPhone())).status).toBe(202); // spends the day's budget
    const phone = newPhone();
    for (let i = 0; i < 3; i += 1) expectProblem(await sendCode(env, phone), 503, 'sms_unavailable');
    offsetMs = 86_400_000; // the next UTC day: a new budget
    expect((await sendCode(env, phone)).status).toBe(202);
    expect(textsTo(env.sms, phone)).toBe(1);
    expectRateLimited(await sendCode(env, phone), 25, 30);
  });
});

/**
 * Twilio's REST API behind the real SDK (its `httpClient` hook): answers 201 and records the message,
 * or, while `failing` is set, that status with Twilio's error body (a 5xx: its side is down).
 */
class FakeTwilioApi implements TwilioHttpClient {
  failing?: { status: number; code: number; message: string };
  requests = 0;
  readonly sent: Array<{ to: string; body: string }> = [];

  async request(opts: { data?: Record<string, unknown> }) {
    this.requests += 1;
    const { To: to, Body: body } = (opts.data ?? {}) as Record<string, string>;
    const headers: Record<string, string> = {};
    if (this.failing)
      return { statusCode: this.failing.status, body: { ...this.failing, more_info: 'https://www.twilio.com/docs/errors' }, headers };
    this.sent.push({ to, body });
    return { statusCode: 201, body: { sid: `SM${String(this.requests).padStart(32, '0')}`, status: 'queued', to, body }, headers };
  }

  textsTo = (phone: string) => this.sent.filter((m) => m.to === phone).length;
  lastCodeFor = (phone: string) =>
    [...this.sent]
      .reverse()
      .find((m) => m.to === phone)
      ?.body.match(/\b(\d{6})\b/)?.[1];
}

describe('send-code: Twilio itself failing (5xx after the retries) is a 503 sms_unavailable that spends none of the limits', () => {
  let env: TestEnv;
  const twilioApi = new FakeTwilioApi();
  const outage = { status: 500, code: 20500, message: 'Internal Server Error' };
  beforeAll(async () => {
    const sms = new TwilioSms({
      accountSid: 'AC00000000000000000000000000000000',
      authToken: 'token',
      fromNumber: '+15145550000',
      httpClient: twilioApi,
      retryDelaysMs: [1, 1, 1],
    });
    env = await createTestEnv(
      {
        TRUST_PROXY: '1',
        RATE_LIMIT_SEND_CODE_PER_IP_PER_MIN: '3',
        RATE_LIMIT_SEND_CODE_PER_PHONE_PER_HOUR: '3',
        RATE_LIMIT_SEND_CODE_PHONE_INTERVAL_SEC: '30',
      },
      { sms },
    );
  });
  afterEach(() => {
    twilioApi.failing = undefined;
  });
  afterAll(() => env.close());

  it('answers 503 sms_unavailable with Retry-After (not an opaque 500) once the retries are spent', async () => {
    twilioApi.failing = { status: 503, code: 20503, message: 'Service Unavailable' };
    const before = twilioApi.requests;
    const res = await sendCodeFrom(env, newPhone(), '203.0.113.20');
    expectProblem(res, 503, 'sms_unavailable');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.text).not.toMatch(/twilio|20503|AC0/i);
    expect(twilioApi.requests - before).toBe(4); // the first try and three retries
  });

  it('lets a number that hit a Twilio outage (as many tries as every limit allows) get its code and sign in once Twilio recovers', async () => {
    const phone = newPhone();
    const ip = '203.0.113.21';
    twilioApi.failing = outage;
    for (let i = 0; i < 3; i += 1) expectProblem(await sendCodeFrom(env, phone, ip), 503, 'sms_unavailable');
    twilioApi.failing = undefined;
    expect((await sendCodeFrom(env, phone, ip)).status).toBe(202);
    expect(twilioApi.textsTo(phone)).toBe(1);
    const verified = await env.http.post('/v1/auth/phone/verify').send({ phoneNumber: phone, code: twilioApi.lastCodeFor(phone) });
    expect(verified.status).toBe(200);
    // The code that did go out counts as ever.
    expectRateLimited(await sendCodeFrom(env, phone, ip), 25, 30);
  });

  it('answers a number Twilio says is not a valid phone (21211) 422 invalid_phone_number naming phoneNumber: not retried, not a 503, not a 500, and the attempt counts', async () => {
    const phone = newPhone();
    const ip = '203.0.113.22';
    twilioApi.failing = { status: 400, code: 21211, message: "Invalid 'To' Phone Number" };
    const before = twilioApi.requests;
    const res = await sendCodeFrom(env, phone, ip);
    expectProblem(res, 422, 'invalid_phone_number');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'phoneNumber' })]);
    expect(res.text).not.toMatch(/twilio|21211/i);
    expect(twilioApi.requests - before).toBe(1);
    twilioApi.failing = undefined;
    expectRateLimited(await sendCodeFrom(env, phone, ip), 25, 30);
  });

  it('answers a landline (21614: not a mobile number) 422 invalid_phone_number too, not a 500', async () => {
    twilioApi.failing = { status: 400, code: 21614, message: "'To' number is not a valid mobile number" };
    expectProblem(await sendCodeFrom(env, newPhone(), '203.0.113.23'), 422, 'invalid_phone_number');
  });
});
