/**
 * Logout against a push-token registration of the same session: whichever goes first, a signed-out
 * phone must not be left registered (its pushes — outbid, payment due — would keep showing there).
 * The registration share-locks a live token of its session for its transaction; logout revokes the
 * session's tokens (which waits for that lock) before it deletes the session's devices. Each
 * interleaving is forced: a third transaction holds a table lock that parks one side at a known
 * statement, and the test waits until PostgreSQL reports who waits for whom (pg_blocking_pids).
 */
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { LockWatch } from '../support/lock-waiter';

let env: TestEnv;
let locks: LockWatch;

beforeAll(async () => {
  env = await createTestEnv();
  locks = await LockWatch.open(env.databaseUrl);
});
afterAll(async () => {
  await locks.close();
  await env.close();
});

/** Starts a request now (a supertest request only leaves when awaited); `settled` tells when it was answered. */
function start(send: () => PromiseLike<{ status: number; body: { code?: string } }>) {
  let settled = false;
  const answer = Promise.resolve(send()).then((res) => {
    settled = true;
    return res;
  });
  return { answer, settled: () => settled };
}

const register = (user: TestUser, token: string) => start(() => env.http.post('/v1/users/me/devices').set(user.auth).send({ token, platform: 'ios' }));
const logout = (user: TestUser) => start(() => env.http.delete('/v1/auth/logout').set(user.auth));
const registered = async (token: string) => (await env.deps.db.selectFrom('devices').select('token').where('token', '=', token).execute()).length;

describe('DELETE /v1/auth/logout racing POST /v1/users/me/devices of the same session', () => {
  it('registration in flight first: logout waits for it, then unregisters the device it stored', async () => {
    const user = await createUser(env.deps);
    const token = `race-token-${user.id}`;
    // Parks the registration at its read of the account, past the session check.
    const gate = await locks.holdTableLock('LOCK TABLE users IN EXCLUSIVE MODE');
    let registration: ReturnType<typeof register> | undefined;
    let signOut: ReturnType<typeof logout> | undefined;
    try {
      registration = register(user, token);
      const registrationPid = (await locks.waiterOf(gate.pid))!;
      signOut = logout(user);
      // Logout must not finish under the registration: it waits for it (or, unfixed, runs to its end).
      await locks.waiterOf(registrationPid, signOut.settled);
      await gate.release();
      await Promise.all([registration.answer, signOut.answer]);
    } finally {
      await gate.release();
    }
    expect((await signOut.answer).status).toBe(204);
    expect([200, 401]).toContain((await registration.answer).status);
    expect(await registered(token)).toBe(0);
  });

  it('logout first (its tokens revoked, its devices not yet deleted): the registration is refused 401 session_revoked', async () => {
    const user = await createUser(env.deps);
    const token = `race-token-${user.id}`;
    // Parks the logout at its deletion of the session's devices, its revocation committed.
    const gate = await locks.holdTableLock('LOCK TABLE devices IN EXCLUSIVE MODE');
    let registration: ReturnType<typeof register> | undefined;
    let signOut: ReturnType<typeof logout> | undefined;
    try {
      signOut = logout(user);
      const logoutPid = (await locks.waiterOf(gate.pid))!;
      registration = register(user, token);
      // The registration answers at once (refused), or, unfixed, queues behind the logout on the gate.
      for (;;) {
        if (registration.settled() || (await locks.waitersOf(gate.pid)).some((pid) => pid !== logoutPid)) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await gate.release();
      await Promise.all([registration.answer, signOut.answer]);
    } finally {
      await gate.release();
    }
    expect((await signOut.answer).status).toBe(204);
    const refused = await registration.answer;
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 401, code: 'session_revoked' });
    expect(await registered(token)).toBe(0);
  });
});
