import { randomUUID } from 'node:crypto';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { expectProblem, lastCodeFor } from '../support/http';

let env: TestEnv;
let user: TestUser;
beforeAll(async () => {
  env = await createTestEnv();
});
beforeEach(async () => {
  user = await createUser(env.deps, { displayName: 'Ada Lovelace' });
});
afterAll(() => env.close());

const patchMe = (body: unknown, as: TestUser = user) =>
  env.http
    .patch('/v1/users/me')
    .set(as.auth)
    .send(body as object);
const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field).sort();

describe('GET /v1/users/me', () => {
  it('shows the signed-in user their own account, phone number included', async () => {
    const res = await env.http.get('/v1/users/me').set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: user.id,
      phoneNumber: user.phone,
      displayName: 'Ada Lovelace',
      email: null,
      avatarUrl: null,
      role: 'user',
      sessionRole: 'user',
      locale: 'en',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      // SPEC §9: the non-payment standing (test/strikes covers strikes and suspension).
      strikes: 0,
      biddingSuspendedUntil: null,
      deletedAt: null,
    });
  });

  it("reports the role a suspended staff member's session acts with (user), beside the account's role", async () => {
    const admin = await createUser(env.deps, { role: 'admin' });
    const agent = await createUser(env.deps, { role: 'support' });
    expect((await env.http.get('/v1/users/me').set(agent.auth)).body).toMatchObject({ role: 'support', sessionRole: 'support' });
    expect((await env.http.post(`/v1/admin/users/${agent.id}/suspend`).set(admin.auth).send({ reason: 'Leaked a buyer address' })).status).toBe(200);
    // Signed in again while suspended: the session acts as a plain user (staff routes answer 403), and
    // /users/me must say so, or the console shows staff screens whose every call is refused.
    expect((await env.http.post('/v1/auth/phone/send-code').send({ phoneNumber: agent.phone })).status).toBe(202);
    const signedIn = await env.http.post('/v1/auth/phone/verify').send({ phoneNumber: agent.phone, code: lastCodeFor(env.sms, agent.phone)! });
    expect(signedIn.status).toBe(200);
    const auth = { Authorization: `Bearer ${signedIn.body.accessToken}` };
    expectProblem(await env.http.get('/v1/admin/disputes').set(auth), 403, 'staff_only');
    expect((await env.http.get('/v1/users/me').set(auth)).body).toMatchObject({ role: 'support', sessionRole: 'user' });

    expect((await env.http.post(`/v1/admin/users/${agent.id}/unsuspend`).set(admin.auth).send({ reason: 'Cleared' })).status).toBe(200);
    const refreshed = await env.http.post('/v1/auth/refresh').send({ refreshToken: signedIn.body.refreshToken });
    expect(refreshed.status).toBe(200);
    const back = await env.http.get('/v1/users/me').set('Authorization', `Bearer ${refreshed.body.accessToken}`);
    expect(back.body).toMatchObject({ role: 'support', sessionRole: 'support' });
  });

  it('answers 404 once the account is (soft) deleted', async () => {
    await env.deps.db.updateTable('users').set({ deletedAt: new Date() }).where('id', '=', user.id).execute();
    expectProblem(await env.http.get('/v1/users/me').set(user.auth), 404, 'not_found');
  });
});

describe('PATCH /v1/users/me', () => {
  it('updates the profile and keeps the change', async () => {
    const res = await patchMe({ displayName: '  Grace Hopper  ', email: 'grace@example.com', avatarUrl: 'https://cdn.example.com/g.png' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ displayName: 'Grace Hopper', email: 'grace@example.com', avatarUrl: 'https://cdn.example.com/g.png' });
    const again = await env.http.get('/v1/users/me').set(user.auth);
    expect(again.body).toMatchObject({
      displayName: 'Grace Hopper',
      email: 'grace@example.com',
      avatarUrl: 'https://cdn.example.com/g.png',
    });
  });

  it('clears email and avatar with null, and leaves absent fields alone', async () => {
    await patchMe({ email: 'a@example.com', avatarUrl: 'https://cdn.example.com/a.png' });
    const res = await patchMe({ email: null, avatarUrl: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ displayName: 'Ada Lovelace', email: null, avatarUrl: null });
  });

  it('accepts an empty patch and changes nothing', async () => {
    const res = await patchMe({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, displayName: 'Ada Lovelace' });
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a one-letter name (after trimming)', { displayName: '  A ' }, ['displayName']],
    ['a 51-character name', { displayName: 'x'.repeat(51) }, ['displayName']],
    ['a null name', { displayName: null }, ['displayName']],
    ['a malformed email', { email: 'ada@' }, ['email']],
    ['a javascript: avatar', { avatarUrl: 'javascript:alert(1)' }, ['avatarUrl']],
    ['a non-http avatar', { avatarUrl: 'ftp://example.com/a.png' }, ['avatarUrl']],
    ['a relative avatar', { avatarUrl: '/a.png' }, ['avatarUrl']],
    ['fields that cannot be changed here', { phoneNumber: '+15145550100', role: 'admin' }, ['phoneNumber', 'role']],
    ['several bad fields', { displayName: '', email: 42, avatarUrl: 'nope' }, ['avatarUrl', 'displayName', 'email']],
  ])('refuses %s with 400 naming each field, and changes nothing', async (_what, body, bad) => {
    const res = await patchMe(body);
    expectProblem(res, 400, 'validation_failed');
    expect(fields(res.body)).toEqual(bad);
    const me = await env.http.get('/v1/users/me').set(user.auth);
    expect(me.body).toMatchObject({ displayName: 'Ada Lovelace', role: 'user', phoneNumber: user.phone });
  });

  it('needs a signed-in user', async () => {
    expectProblem(await env.http.patch('/v1/users/me').send({ displayName: 'Nobody' }), 401, 'missing_token');
  });
});

describe('GET /v1/users/:id/profile', () => {
  it("shows another user's public profile, never their phone number", async () => {
    const viewer = await createUser(env.deps);
    await patchMe({ avatarUrl: 'https://cdn.example.com/ada.png' });
    const res = await env.http.get(`/v1/users/${user.id}/profile`).set(viewer.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: user.id,
      displayName: 'Ada Lovelace',
      avatarUrl: 'https://cdn.example.com/ada.png',
      ratingAverage: null,
      ratingCount: 0,
      memberSince: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(res.text).not.toContain(user.phone);
    expect(res.text).not.toContain(user.phone.slice(1));
  });

  it('answers 404 for an unknown or deleted user', async () => {
    expectProblem(await env.http.get(`/v1/users/${randomUUID()}/profile`).set(user.auth), 404, 'not_found');
    const gone = await createUser(env.deps);
    await env.deps.db.updateTable('users').set({ deletedAt: new Date() }).where('id', '=', gone.id).execute();
    expectProblem(await env.http.get(`/v1/users/${gone.id}/profile`).set(user.auth), 404, 'not_found');
  });

  it('answers 400 for an id that is not a UUID', async () => {
    const res = await env.http.get('/v1/users/12345/profile').set(user.auth);
    expectProblem(res, 400, 'validation_failed');
    expect(fields(res.body)).toEqual(['id']);
  });
});
