import twilio from 'twilio';
import { DEV_SECRET } from '../../src/config/env';
import { sendNotification } from '../../src/modules/notifications';
import { SmsRecipientOptedOut } from '../../src/providers/sms/sms';
import { TwilioSms } from '../../src/providers/sms/twilio-sms';
import { createTestEnv, createUser, newPhone, type TestEnv, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';

const PATH = '/v1/webhooks/twilio';
let env: TestEnv;
let user: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  user = await createUser(env.deps);
});
afterAll(() => env.close());

/** Posts an inbound SMS as Twilio does: form-encoded, signed over the public URL and every parameter. */
function inbound(from: string, body: string, extra: Record<string, string> = {}, token = DEV_SECRET) {
  const params = { MessageSid: 'SM00000000000000000000000000000009', AccountSid: 'AC00000000000000000000000000000000', From: from, To: '+15145550000', Body: body, ...extra };
  const signature = twilio.getExpectedTwilioSignature(token, `${env.config.publicBaseUrl}${PATH}`, params);
  return env.http.post(PATH).type('form').set('X-Twilio-Signature', signature).send(params);
}

const won = (dedupeKey: string) => ({
  userId: user.id,
  type: 'won' as const,
  dedupeKey,
  text: { key: 'won' as const, params: { listingTitle: 'Kayak', priceCents: 40_000, paymentDeadlineSec: 172_800 } },
  data: {},
});
const textsToUser = () => env.sms.sent.filter((m) => m.to === user.phone).length;

describe('SMS STOP / START (Twilio inbound webhook)', () => {
  it('refuses an unsigned or wrongly signed request and changes nothing', async () => {
    const unsigned = await env.http.post(PATH).type('form').send({ From: user.phone, Body: 'STOP' });
    expectProblem(unsigned, 403, 'invalid_signature');
    expectProblem(await inbound(user.phone, 'STOP', {}, 'not-the-auth-token'), 403, 'invalid_signature');
    // A signature over other parameters does not cover this body.
    const params = { From: user.phone, Body: 'STOP' };
    const signature = twilio.getExpectedTwilioSignature(DEV_SECRET, `${env.config.publicBaseUrl}${PATH}`, { ...params, Body: 'hello' });
    expectProblem(await env.http.post(PATH).type('form').set('X-Twilio-Signature', signature).send(params), 403, 'invalid_signature');

    await sendNotification(env.deps, won('before-stop'));
    expect(textsToUser()).toBe(1);
  });

  it('STOP (any case, any opt-out keyword) stops every notification SMS; in-app and push go on', async () => {
    expect((await inbound(user.phone, '  stop ')).status).toBe(204);
    const before = textsToUser();
    expect(await sendNotification(env.deps, won('after-stop'))).toBe('sent');
    expect(textsToUser()).toBe(before);
    const row = await env.deps.db.selectFrom('notifications').select(['deliveredAt']).where('dedupeKey', '=', 'after-stop').executeTakeFirstOrThrow();
    expect(row.deliveredAt).not.toBeNull();

    const other = await createUser(env.deps);
    expect((await inbound(other.phone, 'UNSUBSCRIBE')).status).toBe(204);
    expect((await inbound(other.phone, 'Arrêt')).status).toBe(204);
    const optedOut = await env.deps.db.selectFrom('smsOptOuts').select('phoneNumber').execute();
    expect(optedOut.map((r) => r.phoneNumber).sort()).toEqual([user.phone, other.phone].sort());
  });

  it('a sign-in code to an opted-out phone is refused with a problem saying how to opt back in', async () => {
    const res = await env.http.post('/v1/auth/phone/send-code').send({ phoneNumber: user.phone });
    expectProblem(res, 409, 'sms_opted_out');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'phoneNumber' })]);
  });

  it('an ordinary message changes nothing; START opts back in', async () => {
    expect((await inbound(user.phone, 'Is the kayak still there?')).status).toBe(204);
    await sendNotification(env.deps, won('still-stopped'));
    const before = textsToUser();
    expect(before).toBe(1);

    expect((await inbound(user.phone, 'Start')).status).toBe(204);
    await sendNotification(env.deps, won('after-start'));
    expect(textsToUser()).toBe(2);
    expect((await env.http.post('/v1/auth/phone/send-code').send({ phoneNumber: user.phone })).status).toBe(202);
  });

  it("honours Twilio's own classification (OptOutType) whatever the wording", async () => {
    expect((await inbound(user.phone, 'please stop texting me', { OptOutType: 'STOP' })).status).toBe(204);
    const before = textsToUser();
    await sendNotification(env.deps, won('optouttype-stop'));
    expect(textsToUser()).toBe(before);
    expect((await inbound(user.phone, 'ok', { OptOutType: 'START' })).status).toBe(204);
    await sendNotification(env.deps, won('optouttype-start'));
    expect(textsToUser()).toBe(before + 1);
  });
});

describe('a phone Twilio reports unsubscribed (error 21610) whose STOP we never received', () => {
  let refusing: TestEnv;
  let member: TestUser;
  const unsubscribed = new Set<string>();
  const attempts: string[] = [];
  const optedOut = (phone: string) => refusing.deps.db.selectFrom('smsOptOuts').select('phoneNumber').where('phoneNumber', '=', phone).execute();

  beforeAll(async () => {
    const sms = {
      async send(to: string) {
        attempts.push(to);
        if (unsubscribed.has(to)) throw new SmsRecipientOptedOut(to);
      },
    };
    refusing = await createTestEnv({}, { sms });
    member = await createUser(refusing.deps);
    unsubscribed.add(member.phone);
  });
  afterAll(() => refusing.close());

  it('records the opt-out and delivers the notification without its text (no retry), and texts it no more', async () => {
    expect(await sendNotification(refusing.deps, { ...won('unsubscribed-won-1'), userId: member.id })).toBe('sent');
    expect(await optedOut(member.phone)).toHaveLength(1);
    expect(await sendNotification(refusing.deps, { ...won('unsubscribed-won-2'), userId: member.id })).toBe('sent');
    expect(attempts.filter((to) => to === member.phone)).toHaveLength(1);
  });

  it('answers send-code 409 sms_opted_out (not a 500) and records the opt-out', async () => {
    const phone = newPhone();
    unsubscribed.add(phone);
    const res = await refusing.http.post('/v1/auth/phone/send-code').send({ phoneNumber: phone });
    expectProblem(res, 409, 'sms_opted_out');
    expect(await optedOut(phone)).toHaveLength(1);
  });
});

describe('a Twilio outage (5xx after the sender\'s own retries) while texting a notification', () => {
  let outageEnv: TestEnv;
  let member: TestUser;
  let twilioDown = true;
  const texted: string[] = [];

  beforeAll(async () => {
    const httpClient = {
      async request(opts: { data?: Record<string, unknown> }) {
        const headers: Record<string, string> = {};
        if (twilioDown) return { statusCode: 500, body: { code: 20500, message: 'Internal Server Error', status: 500 }, headers };
        texted.push(String(opts.data?.To));
        return { statusCode: 201, body: { sid: 'SM00000000000000000000000000000010', status: 'queued' }, headers };
      },
    };
    const sms = new TwilioSms({ accountSid: 'AC00000000000000000000000000000000', authToken: 'token', fromNumber: '+15145550000', httpClient, retryDelaysMs: [1, 1, 1] });
    outageEnv = await createTestEnv({}, { sms });
    member = await createUser(outageEnv.deps);
  });
  afterAll(() => outageEnv.close());

  it('fails the delivery so the job retries it (unlike a spent daily budget), and the retry texts once Twilio is back', async () => {
    const n = { ...won('twilio-outage-won'), userId: member.id };
    await expect(sendNotification(outageEnv.deps, n)).rejects.toThrow();
    const row = () => outageEnv.deps.db.selectFrom('notifications').select('deliveredAt').where('dedupeKey', '=', n.dedupeKey).executeTakeFirstOrThrow();
    expect((await row()).deliveredAt).toBeNull();
    twilioDown = false;
    expect(await sendNotification(outageEnv.deps, n)).toBe('sent');
    expect(texted.filter((to) => to === member.phone)).toHaveLength(1);
    expect((await row()).deliveredAt).not.toBeNull();
  });
});

describe('a number Twilio refuses as not a valid mobile number (21614, a landline) while texting a notification', () => {
  let landlineEnv: TestEnv;
  let member: TestUser;
  let requests = 0;

  beforeAll(async () => {
    const httpClient = {
      async request() {
        requests += 1;
        const body = { code: 21614, message: "'To' number is not a valid mobile number", status: 400 };
        return { statusCode: 400, body, headers: {} as Record<string, string> };
      },
    };
    const sms = new TwilioSms({ accountSid: 'AC00000000000000000000000000000000', authToken: 'token', fromNumber: '+15145550000', httpClient, retryDelaysMs: [1, 1, 1] });
    landlineEnv = await createTestEnv({}, { sms });
    member = await createUser(landlineEnv.deps);
  });
  afterAll(() => landlineEnv.close());

  it('delivers the notification without its text (no retry of a number that will never take one)', async () => {
    const n = { ...won('landline-won'), userId: member.id };
    expect(await sendNotification(landlineEnv.deps, n)).toBe('sent');
    const row = await landlineEnv.deps.db.selectFrom('notifications').select('deliveredAt').where('dedupeKey', '=', n.dedupeKey).executeTakeFirstOrThrow();
    expect(row.deliveredAt).not.toBeNull();
    expect(requests).toBe(1);
  });
});

describe('PUBLIC_BASE_URL written with a trailing slash', () => {
  let slashEnv: TestEnv;
  beforeAll(async () => {
    slashEnv = await createTestEnv({ PUBLIC_BASE_URL: 'https://api.biddt.example/' });
  });
  afterAll(() => slashEnv.close());

  it('still checks the signature over the URL Twilio was given (no double slash), so STOP and START are honoured', async () => {
    const phone = newPhone();
    // What Twilio signs: the webhook URL as configured in its console, one slash before the path.
    const post = (body: string) => {
      const params = { MessageSid: 'SM00000000000000000000000000000010', From: phone, To: '+15145550000', Body: body };
      const signature = twilio.getExpectedTwilioSignature(DEV_SECRET, `https://api.biddt.example${PATH}`, params);
      return slashEnv.http.post(PATH).type('form').set('X-Twilio-Signature', signature).send(params);
    };
    expect((await post('STOP')).status).toBe(204);
    expect(await slashEnv.deps.db.selectFrom('smsOptOuts').select('phoneNumber').where('phoneNumber', '=', phone).executeTakeFirst()).toBeDefined();
    expect((await post('START')).status).toBe(204);
    expect(await slashEnv.deps.db.selectFrom('smsOptOuts').select('phoneNumber').where('phoneNumber', '=', phone).executeTakeFirst()).toBeUndefined();
  });
});
