/**
 * A staff suspension or a role change ends the user's sessions right after its commit (access tokens
 * carry the role). A process dying in between must not leave a suspended or demoted staff member's
 * tokens working for their remaining 15 minutes: the change's transaction also writes an
 * `auth.end_sessions` job for the sessions open at the time, which a worker runs once the relay
 * publishes it (as for an account deletion, test/accounts/deletion-crash.int.test.ts).
 */
import { grantRole, setSuspension } from '../../src/modules/admin';
import { verifiedActor } from '../../src/modules/auth';
import type { RunningWorkers } from '../../workers/workers';
import { eventually, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, openSession, type TestEnv } from '../support/harness';
import { dyingAtRevocation, SimulatedCrash } from '../support/dying-revocations';
import { expectProblem } from '../support/http';

let env: TestEnv;
let workers: RunningWorkers | undefined;

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await workers?.stop();
  await env.close();
});

async function expectSessionsEnded(auths: Array<Record<string, string>>) {
  workers ??= await withWorkers(await env.sibling());
  for (const auth of auths) {
    await eventually(async () => (await env.http.get('/v1/users/me').set(auth)).status === 401);
    expectProblem(await env.http.get('/v1/users/me').set(auth), 401, 'session_revoked');
  }
}

describe('the process dies after the commit, before the sessions are revoked', () => {
  it('a suspended support agent loses every session anyway', async () => {
    const admin = await createUser(env.deps, { role: 'admin' });
    const agent = await createUser(env.deps, { role: 'support' });
    const second = await openSession(env.deps, { id: agent.id, role: 'support' });
    const ctx = { actor: verifiedActor(env.deps, admin.accessToken), requestId: 'session-end-crash' };

    await expect(setSuspension(dyingAtRevocation(env.deps), ctx, agent.id, true, 'left the company')).rejects.toBeInstanceOf(SimulatedCrash);

    await expectSessionsEnded([agent.auth, second.auth]);
  });

  it('a demoted admin loses every session anyway', async () => {
    const demoted = await createUser(env.deps, { role: 'admin' });

    await expect(grantRole(dyingAtRevocation(env.deps), demoted.phone, 'user', 'ops-test')).rejects.toBeInstanceOf(SimulatedCrash);

    await expectSessionsEnded([demoted.auth]);
  });
});
