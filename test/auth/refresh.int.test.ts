import { sql } from 'kysely';
import { Client } from 'pg';
import { randomToken, sha256 } from '../../src/shared/crypto';
import { createTestEnv, createUser, openSession, type TestEnv, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';
import { waitForLockWaiter } from '../support/lock-waiter';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const refresh = (refreshToken: string) => env.http.post('/v1/auth/refresh').send({ refreshToken });
const me = (accessToken: string) => env.http.get('/v1/users/me').set('Authorization', `Bearer ${accessToken}`);

describe('refresh-token rotation', () => {
  let user: TestUser;
  beforeEach(async () => {
    user = await createUser(env.deps);
  });

  it('exchanges a refresh token for a new working pair', async () => {
    const res = await refresh(user.refreshToken);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: user.id, phoneNumber: user.phone } });
    expect(res.body.refreshToken).not.toBe(user.refreshToken);
    expect((await me(res.body.accessToken)).status).toBe(200);
    const again = await refresh(res.body.refreshToken);
    expect(again.status).toBe(200);
  });

  it('treats reuse of a rotated token as theft and revokes the whole session', async () => {
    const rotated = await refresh(user.refreshToken);
    expect(rotated.status).toBe(200);

    expectProblem(await refresh(user.refreshToken), 401, 'refresh_token_reused');
    // The newer token of the same family — possibly now in the thief's hands — is dead too…
    expectProblem(await refresh(rotated.body.refreshToken), 401);
    // …and so are the session's access tokens, without waiting 15 minutes for them to expire.
    expectProblem(await me(rotated.body.accessToken), 401, 'session_revoked');
    expectProblem(await me(user.accessToken), 401, 'session_revoked');
  });

  it('unregisters the push tokens registered in a session revoked for reuse: the thief’s phone stops getting the user’s pushes', async () => {
    const register = (accessToken: string, token: string) =>
      env.http.post('/v1/users/me/devices').set('Authorization', `Bearer ${accessToken}`).send({ token, platform: 'android' });
    const tablet = await openSession(env.deps, user);
    expect((await register(tablet.accessToken, 'tablet-token-of-the-owner')).status).toBe(200);
    // The thief rotates the stolen token and registers their phone for the user's pushes (chat previews…).
    const stolen = await refresh(user.refreshToken);
    expect(stolen.status).toBe(200);
    expect((await register(stolen.body.accessToken, 'phone-token-of-the-thief')).status).toBe(200);

    expectProblem(await refresh(user.refreshToken), 401, 'refresh_token_reused');
    const tokens = await env.deps.db.selectFrom('devices').select('token').where('userId', '=', user.id).execute();
    expect(tokens.map((t) => t.token)).toEqual(['tablet-token-of-the-owner']);
  });

  it("leaves the user's other sessions alone when one is revoked for reuse", async () => {
    const otherDevice = await openSession(env.deps, user);
    await refresh(user.refreshToken);
    expectProblem(await refresh(user.refreshToken), 401, 'refresh_token_reused');
    expect((await me(otherDevice.accessToken)).status).toBe(200);
    expect((await refresh(otherDevice.refreshToken)).status).toBe(200);
  });

  it('revokes a token the thief rotated at the very moment the reuse was detected', async () => {
    // The thief rotated first: T0 → T1. Now the thief rotates T1 while the owner presents T0 again.
    const thief = await refresh(user.refreshToken);
    expect(thief.status).toBe(200);
    const rotation = new Client({ connectionString: env.databaseUrl });
    await rotation.connect();
    try {
      // The thief's rotation of T1, in flight: T1 locked, its successor T2 not committed yet.
      await rotation.query('BEGIN');
      const { rows } = await rotation.query('SELECT id, family_id FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE', [
        sha256(thief.body.refreshToken),
      ]);
      const reuse = refresh(user.refreshToken).then((res) => res);
      await waitForLockWaiter(rotation);
      const t2 = randomToken();
      await rotation.query('UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1', [rows[0].id]);
      await rotation.query(
        "INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + interval '1 hour')",
        [rows[0].family_id, user.id, sha256(t2)],
      );
      await rotation.query('COMMIT');
      expectProblem(await reuse, 401, 'refresh_token_reused');
      // The family is revoked: the thief's fresh T2 is dead too.
      expectProblem(await refresh(t2), 401);
    } finally {
      await rotation.end();
    }
  });

  it('refuses an expired refresh token', async () => {
    await env.deps.db
      .updateTable('refreshTokens')
      .set({ expiresAt: sql<Date>`now() - interval '1 second'` })
      .where('tokenHash', '=', sha256(user.refreshToken))
      .execute();
    expectProblem(await refresh(user.refreshToken), 401, 'invalid_refresh_token');
  });

  it('refuses an unknown refresh token', async () => {
    expectProblem(await refresh('x'.repeat(43)), 401, 'invalid_refresh_token');
  });
});

describe('logout', () => {
  it('answers 204 and ends the session: its access and refresh tokens stop working', async () => {
    const user = await createUser(env.deps);
    const out = await env.http.delete('/v1/auth/logout').set(user.auth);
    expect(out.status).toBe(204);
    expect(out.text).toBe('');
    expectProblem(await me(user.accessToken), 401, 'session_revoked');
    expectProblem(await refresh(user.refreshToken), 401, 'invalid_refresh_token');
  });

  it('ends only that session', async () => {
    const user = await createUser(env.deps);
    const second = await openSession(env.deps, user);
    expect((await env.http.delete('/v1/auth/logout').set(user.auth)).status).toBe(204);
    expect((await me(second.accessToken)).status).toBe(200);
    expect((await refresh(second.refreshToken)).status).toBe(200);
  });

  it("unregisters the push tokens that session registered (the phone signed out), not the user's other phones", async () => {
    const user = await createUser(env.deps);
    const tablet = await openSession(env.deps, user);
    const register = (auth: Record<string, string>, token: string) =>
      env.http.post('/v1/users/me/devices').set(auth).send({ token, platform: 'android' });
    expect((await register(user.auth, 'phone-token-signing-out')).status).toBe(200);
    expect((await register(tablet.auth, 'tablet-token-staying')).status).toBe(200);
    expect((await env.http.delete('/v1/auth/logout').set(user.auth)).status).toBe(204);
    const tokens = await env.deps.db.selectFrom('devices').select('token').where('userId', '=', user.id).execute();
    expect(tokens.map((t) => t.token)).toEqual(['tablet-token-staying']);
  });

  it('needs a signed-in user', async () => {
    expectProblem(await env.http.delete('/v1/auth/logout'), 401, 'missing_token');
  });
});

describe('a revoked session’s access token and the user’s API budget (RATE_LIMIT_API_PER_USER_PER_MIN=5 here)', () => {
  let limited: TestEnv;
  beforeAll(async () => {
    limited = await createTestEnv({ RATE_LIMIT_API_PER_USER_PER_MIN: '5' });
  });
  afterAll(() => limited.close());

  it('cannot spend it: whoever still holds a signed-out token cannot lock the user out with 429', async () => {
    const user = await createUser(limited.deps);
    const tablet = await openSession(limited.deps, user);
    const meOn = (accessToken: string) => limited.http.get('/v1/users/me').set('Authorization', `Bearer ${accessToken}`);
    // The phone is signed out (lost, say); whoever has it keeps sending its last access token.
    expect((await limited.http.delete('/v1/auth/logout').set(user.auth)).status).toBe(204);
    for (let i = 0; i < 8; i += 1) expectProblem(await meOn(user.accessToken), 401, 'session_revoked');
    // The user's live session still has its whole budget.
    for (let i = 0; i < 4; i += 1) expect((await meOn(tablet.accessToken)).status).toBe(200);
  });
});
