import jwt from 'jsonwebtoken';
import { startRealtime, type RealtimeServer } from '../../realtime/io';
import { signAccessToken } from '../../src/modules/auth/access-tokens';
import { accessOptions } from '../../src/modules/auth/auth.service';
import { createTestEnv, createUser, openSession, type TestEnv, type TestUser } from '../support/harness';
import { ackError, closeAllClients, okData, openClient, refusal } from './realtime-support';

let env: TestEnv;
let rt: RealtimeServer;
let user: TestUser;
let other: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  rt = await startRealtime(await env.sibling(), 0);
  [user, other] = await Promise.all([createUser(env.deps), createUser(env.deps)]);
});
afterAll(async () => {
  closeAllClients();
  await rt.stop();
  await env.close();
});

/** An access token for `u` that lives `ttlSec` seconds. */
const tokenFor = (u: TestUser, ttlSec: number, sid = 'test-session') =>
  signAccessToken({ ...accessOptions(env.deps), ttlSec }, { userId: u.id, role: u.role, sid });

describe('socket handshake and session', () => {
  it('refuses a missing, malformed, foreign-signed, expired or revoked token with a problem in connect_error.data', async () => {
    expect(await refusal(rt.port, undefined)).toMatchObject({
      status: 401,
      code: 'missing_token',
      type: expect.any(String),
      detail: expect.any(String),
    });
    expect(await refusal(rt.port, 'not-a-jwt')).toMatchObject({ status: 401, code: 'invalid_token' });
    const forged = jwt.sign({ role: 'user', sid: 's' }, 'another-secret-another-secret-another', { subject: user.id, expiresIn: 60 });
    expect(await refusal(rt.port, forged)).toMatchObject({ status: 401, code: 'invalid_token' });
    const opts = accessOptions(env.deps);
    const expired = jwt.sign({ role: 'user', sid: 's', exp: Math.floor(Date.now() / 1000) - 10 }, opts.secret, {
      algorithm: 'HS256',
      header: { alg: 'HS256', typ: 'at+jwt' },
      subject: user.id,
      issuer: opts.issuer,
      audience: opts.audience,
    });
    expect(await refusal(rt.port, expired)).toMatchObject({ status: 401, code: 'token_expired' });
    const revoked = tokenFor(user, 60, 'revoked-session');
    await env.deps.revocations.revoke('revoked-session');
    expect(await refusal(rt.port, revoked)).toMatchObject({ status: 401, code: 'session_revoked' });
  });

  it('disconnects a socket when its access token expires, telling it why', async () => {
    const client = await openClient(rt.port, tokenFor(user, 2));
    const disconnected = new Promise<string>((resolve) => client.socket.once('disconnect', (reason) => resolve(reason)));
    expect(await disconnected).toBe('io server disconnect');
    expect(client.events('session_expired')).toEqual([{ error: expect.objectContaining({ status: 401, code: 'token_expired' }) }]);
  });

  it('keeps a socket that re-authenticates with a fresh token of the same user, and refuses another user’s token', async () => {
    const client = await openClient(rt.port, tokenFor(user, 2));
    const refused = ackError(await client.ack('auth', { token: other.accessToken }));
    expect(refused).toMatchObject({ status: 403, code: 'user_mismatch' });
    expect(ackError(await client.ack('auth', { token: 'garbage' }))).toMatchObject({ status: 401, code: 'invalid_token' });
    const renewed = okData<{ expiresAt: string }>(await client.ack('auth', { token: user.accessToken }));
    expect(new Date(renewed.expiresAt).getTime()).toBeGreaterThan(Date.now() + 60_000);
    await new Promise((r) => setTimeout(r, 2600));
    expect(client.socket.connected).toBe(true);
    expect(client.events('session_expired')).toHaveLength(0);
  });

  it('disconnects the sockets of a session when it logs out, and only those', async () => {
    const member = await createUser(env.deps);
    const otherDevice = await openSession(env.deps, member);
    const phone = await openClient(rt.port, member.accessToken);
    const tablet = await openClient(rt.port, otherDevice.accessToken);
    const disconnected = new Promise<string>((resolve) => phone.socket.once('disconnect', (reason) => resolve(reason)));

    expect((await env.http.delete('/v1/auth/logout').set(member.auth)).status).toBe(204);
    expect(await disconnected).toBe('io server disconnect');
    expect(phone.events('session_expired')).toEqual([{ error: expect.objectContaining({ status: 401, code: 'session_revoked' }) }]);
    await new Promise((r) => setTimeout(r, 200));
    expect(tablet.socket.connected).toBe(true);
  });

  it('disconnects the sockets of a session whose refresh token was used twice (a leaked or stolen token)', async () => {
    const member = await createUser(env.deps);
    const phone = await openClient(rt.port, member.accessToken);
    const disconnected = new Promise<string>((resolve) => phone.socket.once('disconnect', (reason) => resolve(reason)));
    const refresh = () => env.http.post('/v1/auth/refresh').send({ refreshToken: member.refreshToken });
    expect((await refresh()).status).toBe(200);
    expect((await refresh()).status).toBe(401);
    expect(await disconnected).toBe('io server disconnect');
    expect(phone.events('session_expired')).toEqual([{ error: expect.objectContaining({ status: 401, code: 'session_revoked' }) }]);
  });

  it('answers every event through its ack, with a 400 problem naming the bad field', async () => {
    const client = await openClient(rt.port, user.accessToken);
    expect(ackError(await client.ack('auth', {}))).toMatchObject({ status: 400, code: 'validation_failed', errors: [{ field: 'token' }] });
    expect(ackError(await client.ack('subscribe', { listingId: 'nope', extra: 1 }))).toMatchObject({
      status: 400,
      errors: expect.arrayContaining([
        { field: 'listingId', message: expect.any(String) },
        { field: 'extra', message: 'unknown field' },
      ]),
    });
    expect(ackError(await client.ack('subscribe'))).toMatchObject({
      status: 400,
      errors: [{ field: 'listingId', message: expect.any(String) }],
    });
    expect(ackError(await client.ack('whatever', { a: 1 }))).toMatchObject({ status: 404, code: 'unknown_event' });
  });
});

describe('realtime metrics', () => {
  it('serves its own /metrics (open in test mode), counting connected sockets', async () => {
    await openClient(rt.port, tokenFor(user, 60));
    const res = await fetch(`http://127.0.0.1:${rt.port}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^realtime_connected_sockets \d+$/m);
    expect(Number(/^realtime_connected_sockets (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
  });
});
