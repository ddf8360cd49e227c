import jwt from 'jsonwebtoken';
import { startRealtime, type RealtimeServer } from '../../realtime/io';
import { signAccessToken } from '../../src/modules/auth/access-tokens';
import { accessOptions } from '../../src/modules/auth/auth.service';
import { STAFF_ROOM } from '../../src/shared/rooms';
import { socketEmitter } from '../../src/shared/socket-emitter';
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

describe('the staff room follows the role the socket acts with', () => {
  /** Sends a queue change to the staff room, then a marker to `client`'s user room (delivered after it). */
  async function queueChangeReaches(client: Awaited<ReturnType<typeof openClient>>, userId: string): Promise<boolean> {
    const transactionId = crypto.randomUUID();
    const emitter = socketEmitter(env.deps);
    emitter.to(STAFF_ROOM).emit('transaction_update', { transactionId, status: 'disputed' });
    emitter.to(`user:${userId}`).emit('transaction_update', { transactionId: crypto.randomUUID(), status: 'marker' });
    await client.waitFor('transaction_update', client.events('transaction_update').length + 1);
    await new Promise((r) => setTimeout(r, 100));
    return client.events('transaction_update').some((e) => e.transactionId === transactionId);
  }

  it('joins the staff room when a refreshed token brings a support role back after an unsuspension (auth), and leaves it when a token acts as a plain user', async () => {
    const admin = await createUser(env.deps, { role: 'admin' });
    const agent = await createUser(env.deps, { role: 'support' });
    const suspend = await env.http.post(`/v1/admin/users/${agent.id}/suspend`).set(admin.auth).send({ reason: 'review' });
    expect(suspend.status).toBe(200);
    // Signing in while suspended: the session acts as a plain user (no staff powers).
    const asUser = await openSession(env.deps, { id: agent.id, role: 'user' });
    const client = await openClient(rt.port, asUser.accessToken);
    expect(await queueChangeReaches(client, agent.id)).toBe(false);

    expect((await env.http.post(`/v1/admin/users/${agent.id}/unsuspend`).set(admin.auth).send({})).status).toBe(200);
    const refreshed = await env.http.post('/v1/auth/refresh').send({ refreshToken: asUser.refreshToken });
    expect(refreshed.status).toBe(200);
    const token = refreshed.body.accessToken as string;
    expect((jwt.decode(token) as { role: string }).role).toBe('support');
    okData(await client.ack('auth', { token }));
    expect(await queueChangeReaches(client, agent.id)).toBe(true);

    // A token of the same session acting as a plain user again: the staff queue stops at once.
    const sid = (jwt.decode(token) as { sid: string }).sid;
    const plain = signAccessToken({ ...accessOptions(env.deps), ttlSec: 60 }, { userId: agent.id, role: 'user', sid });
    okData(await client.ack('auth', { token: plain }));
    expect(await queueChangeReaches(client, agent.id)).toBe(false);
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
