import { Client } from 'pg';
import { hmacSha256, sha256 } from '../../src/shared/crypto';
import { createTestEnv, createUser, newPhone, type TestEnv } from '../support/harness';
import { expectProblem, lastCodeFor, otherCode, textsTo } from '../support/http';
import { waitForLockWaiter } from '../support/lock-waiter';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const sendCode = (phoneNumber: string, on: TestEnv = env) => on.http.post('/v1/auth/phone/send-code').send({ phoneNumber });
const verify = (phoneNumber: string, code: string, on: TestEnv = env) => on.http.post('/v1/auth/phone/verify').send({ phoneNumber, code });

/** Requests a code for `phone` and returns the one texted. */
async function codeFor(phone: string, on: TestEnv = env): Promise<string> {
  const sent = await sendCode(phone, on);
  expect(sent.status).toBe(202);
  const code = lastCodeFor(on.sms, phone);
  expect(code).toMatch(/^\d{6}$/);
  return code!;
}

describe('phone OTP sign-in', () => {
  it('texts a code and signs in with it, creating the account', async () => {
    const phone = newPhone();
    const sent = await env.http.post('/v1/auth/phone/send-code').send({ phoneNumber: phone });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ status: 'sent', expiresInSec: 300 });
    const code = lastCodeFor(env.sms, phone);
    expect(code).toMatch(/^\d{6}$/);

    const verified = await env.http.post('/v1/auth/phone/verify').send({ phoneNumber: phone, code });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { phoneNumber: phone, role: 'user' } });
    const me = await env.http.get('/v1/users/me').set('Authorization', `Bearer ${verified.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(verified.body.user.id);
  });

  it('signs the same number into the same account next time, and a code works only once', async () => {
    const phone = newPhone();
    const code = await codeFor(phone);
    const first = await verify(phone, code);
    expect(first.status).toBe(200);
    expectProblem(await verify(phone, code), 401, 'invalid_code');

    const second = await verify(phone, await codeFor(phone));
    expect(second.status).toBe(200);
    expect(second.body.user.id).toBe(first.body.user.id);
  });

  it('burns the code after 5 wrong tries: the right code is refused on the 6th', async () => {
    const phone = newPhone();
    const code = await codeFor(phone);
    for (let i = 0; i < 5; i += 1) expectProblem(await verify(phone, otherCode(code)), 401, 'invalid_code');
    expectProblem(await verify(phone, code), 401, 'invalid_code');
  });

  it('still accepts the right code after 4 wrong tries', async () => {
    const phone = newPhone();
    const code = await codeFor(phone);
    for (let i = 0; i < 4; i += 1) expectProblem(await verify(phone, otherCode(code)), 401, 'invalid_code');
    expect((await verify(phone, code)).status).toBe(200);
  });

  it('voids the previous code when a new one is sent', async () => {
    const phone = newPhone();
    const first = await codeFor(phone);
    let second = await codeFor(phone);
    while (second === first) second = await codeFor(phone); // one chance in a million
    expectProblem(await verify(phone, first), 401, 'invalid_code');
    expect((await verify(phone, second)).status).toBe(200);
  });

  it('answers the same for a registered and an unknown number', async () => {
    const known = await createUser(env.deps);
    const unknown = newPhone();
    const [a, b] = [await sendCode(known.phone), await sendCode(unknown)];
    const shape = (res: typeof a) => ({ status: res.status, type: res.headers['content-type'], body: res.body });
    expect(shape(a)).toEqual(shape(b));
    expect(textsTo(env.sms, known.phone)).toBe(1);
    expect(textsTo(env.sms, unknown)).toBe(1);
    expectProblem(await verify(known.phone, '000000'), 401, 'invalid_code');
    expectProblem(await verify(newPhone(), '000000'), 401, 'invalid_code');
  });

  it('stores the code only as a keyed hash', async () => {
    const phone = newPhone();
    const code = await codeFor(phone);
    const rows = await env.deps.db.selectFrom('phoneOtps').selectAll().where('phoneNumber', '=', phone).execute();
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(Object.values(row).map(String)).not.toContain(code);
    expect(JSON.stringify(row)).not.toContain(code);
    expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
    // Keyed: a stolen table cannot be reversed by hashing the million possible codes.
    expect(row.codeHash).not.toBe(sha256(code));
    expect(row.codeHash).not.toBe(sha256(`${phone}:${code}`));
    expect(row.codeHash).toBe(hmacSha256(env.config.auth.otpSecret, `${phone}:${code}`));
  });

  it('signs AUTH_TEST_PHONE_CODES numbers in with their fixed code and texts nothing', async () => {
    const phone = '+15555550100';
    const sent = await sendCode(phone);
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ status: 'sent', expiresInSec: 300 });
    expect(textsTo(env.sms, phone)).toBe(0);
    expectProblem(await verify(phone, '654321'), 401, 'invalid_code');
    const verified = await verify(phone, '123456');
    expect(verified.status).toBe(200);
    expect(verified.body.user.phoneNumber).toBe(phone);
  });

  it('refuses malformed numbers and codes with 400 naming the field', async () => {
    const badPhone = await sendCode('5145550100');
    expectProblem(badPhone, 400, 'validation_failed');
    expect(badPhone.body.errors).toEqual([{ field: 'phoneNumber', message: expect.any(String) }]);
    const badCode = await verify(newPhone(), '12345');
    expectProblem(badCode, 400, 'validation_failed');
    expect(badCode.body.errors).toEqual([{ field: 'code', message: expect.any(String) }]);
  });
});

describe('OTP expiry', () => {
  let short: TestEnv;
  beforeAll(async () => {
    short = await createTestEnv({ OTP_TTL_SEC: '1' });
  });
  afterAll(() => short.close());

  it('accepts a fresh code', async () => {
    const phone = newPhone();
    const code = await codeFor(phone, short);
    expect((await verify(phone, code, short)).status).toBe(200);
  });

  it('refuses a code once its lifetime has passed', async () => {
    const phone = newPhone();
    const sent = await sendCode(phone, short);
    expect(sent.body.expiresInSec).toBe(1);
    const code = lastCodeFor(short.sms, phone)!;
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expectProblem(await verify(phone, code, short), 401, 'invalid_code');
  });
});

describe('signing in while the same account is being deleted (another device)', () => {
  it('waits for the deletion and signs into that account for a restore, instead of opening a second account that would block it', async () => {
    const phone = newPhone();
    const first = await verify(phone, await codeFor(phone));
    expect(first.status).toBe(200);
    const userId: string = first.body.user.id;
    const code = await codeFor(phone);
    const deletion = new Client({ connectionString: env.databaseUrl });
    await deletion.connect();
    try {
      // DELETE /v1/users/me in flight: the account row locked and soft-deleted, not committed yet.
      await deletion.query('BEGIN');
      await deletion.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [userId]);
      await deletion.query('UPDATE users SET deleted_at = now() WHERE id = $1', [userId]);
      const signIn = verify(phone, code).then((res) => res);
      await waitForLockWaiter(deletion);
      await deletion.query('COMMIT');
      const res = await signIn;
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ restorable: true, user: { id: userId } });
      const live = await env.deps.db.selectFrom('users').select('id').where('phoneNumber', '=', phone).where('deletedAt', 'is', null).execute();
      expect(live).toEqual([]);
      const restored = await env.http.post('/v1/users/me/restore').set('Authorization', `Bearer ${res.body.accessToken}`);
      expect(restored.status).toBe(200);
      expect(restored.body.user).toMatchObject({ id: userId, deletedAt: null });
    } finally {
      await deletion.end();
    }
  });
});
