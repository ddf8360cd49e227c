import { createTestEnv, newPhone, type TestEnv } from '../support/harness';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const lastCodeFor = (phone: string) => {
  const message = [...env.sms.sent].reverse().find((m) => m.to === phone);
  return message?.body.match(/\b(\d{6})\b/)?.[1];
};

describe('phone OTP sign-in', () => {
  it('texts a code and signs in with it, creating the account', async () => {
    const phone = newPhone();
    const sent = await env.http.post('/v1/auth/phone/send-code').send({ phoneNumber: phone });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ status: 'sent', expiresInSec: 300 });
    const code = lastCodeFor(phone);
    expect(code).toMatch(/^\d{6}$/);

    const verified = await env.http.post('/v1/auth/phone/verify').send({ phoneNumber: phone, code });
    expect(verified.status).toBe(200);
    expect(verified.body.user).toMatchObject({ phoneNumber: phone, role: 'user' });
    const me = await env.http.get('/v1/users/me').set('Authorization', `Bearer ${verified.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(verified.body.user.id);
  });
});
