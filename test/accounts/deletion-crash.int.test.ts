/**
 * A crash right after an account deletion's commit: the sessions' access tokens are refused through
 * the revocation list in Redis, written after the commit. A process dying before that must not leave
 * them valid for their remaining 15 minutes: the deletion's transaction writes an outbox job that ends
 * the sessions it deleted the account under, which a worker runs once the relay publishes it.
 */
import { deleteAccount } from '../../src/flows/account-lifecycle';
import { verifiedActor } from '../../src/modules/auth';
import type { RunningWorkers } from '../../workers/workers';
import { eventually, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, openSession, type TestEnv } from '../support/harness';
import { dyingAtRevocation, SimulatedCrash } from '../support/dying-revocations';
import { expectProblem, lastCodeFor } from '../support/http';

let env: TestEnv;
let workers: RunningWorkers | undefined;

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await workers?.stop();
  await env.close();
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('DELETE /v1/users/me: the process dies after the commit, before the sessions are revoked', () => {
  it('a worker ends every session of the deletion anyway, and leaves alone the restore-only session opened since', async () => {
    const user = await createUser(env.deps);
    const other = await openSession(env.deps, { id: user.id, role: 'user' });

    await expect(deleteAccount(dyingAtRevocation(env.deps), verifiedActor(env.deps, user.accessToken))).rejects.toBeInstanceOf(SimulatedCrash);
    expect((await env.deps.db.selectFrom('users').select('deletedAt').where('id', '=', user.id).executeTakeFirstOrThrow()).deletedAt).not.toBeNull();

    // Signing in again on the phone (a restore-only session) before any worker ran.
    expect((await env.http.post('/v1/auth/phone/send-code').send({ phoneNumber: user.phone })).status).toBe(202);
    const back = await env.http.post('/v1/auth/phone/verify').send({ phoneNumber: user.phone, code: lastCodeFor(env.sms, user.phone) });
    expect(back.body).toMatchObject({ restorable: true });

    workers = await withWorkers(await env.sibling());
    for (const auth of [user.auth, other.auth]) {
      await eventually(async () => (await env.http.get('/v1/users/me').set(auth)).status === 401);
      expectProblem(await env.http.get('/v1/users/me').set(auth), 401, 'session_revoked');
    }
    expect((await env.http.get('/v1/users/me/export').set(bearer(back.body.accessToken))).status).toBe(200);
  });
});
