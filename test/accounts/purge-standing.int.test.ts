/**
 * Deleting the account, waiting out the 30 days and signing up again on the same phone must not wipe a
 * record of non-payment strikes or a suspension (fraud prevention). The purge keeps, under a keyed hash
 * of the phone (never the phone itself), the dates of the strikes still inside their 90-day window and
 * whether the account was suspended; a new account on that phone inherits them, and nothing else.
 */
import { sql } from 'kysely';
import { purgeDeletedAccounts } from '../../src/flows/account-lifecycle';
import { phoneStandingKey } from '../../src/modules/users';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { lastCodeFor } from '../support/http';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const DAY_MS = 86_400_000;
const db = () => env.deps.db;

const strikeDaysAgo = async (userId: string, days: number) =>
  (await db().insertInto('nonPaymentStrikes').values({ userId, createdAt: sql<Date>`now() - make_interval(days => ${days})` }).returning('createdAt').executeTakeFirstOrThrow()).createdAt;

async function signUp(phoneNumber: string) {
  expect((await env.http.post('/v1/auth/phone/send-code').send({ phoneNumber })).status).toBe(202);
  const res = await env.http.post('/v1/auth/phone/verify').send({ phoneNumber, code: lastCodeFor(env.sms, phoneNumber) });
  expect(res.status).toBe(200);
  expect(res.body.restorable).toBeUndefined();
  return res.body as { accessToken: string; user: { id: string } };
}

async function deleteAndPurge(user: TestUser) {
  expect((await env.http.delete('/v1/users/me').set(user.auth)).status).toBe(204);
  expect((await purgeDeletedAccounts(env.deps, new Date(Date.now() + 31 * DAY_MS))).purged).toBeGreaterThanOrEqual(1);
}

const standingOf = async (userId: string) => {
  const [user, strikes] = await Promise.all([
    db().selectFrom('users').select(['suspendedAt', 'nonPaymentStrikes']).where('id', '=', userId).executeTakeFirstOrThrow(),
    db().selectFrom('nonPaymentStrikes').select(['createdAt', 'transactionId']).where('userId', '=', userId).orderBy('createdAt').execute(),
  ]);
  return { suspended: user.suspendedAt !== null, strikes };
};

describe('re-signing up on the phone of a purged account', () => {
  it('inherits the strikes still inside their 90-day window (with their dates) and the suspension; the phone is not kept', async () => {
    const old = await createUser(env.deps);
    await strikeDaysAgo(old.id, 100); // past the window: forgotten
    const recent = await strikeDaysAgo(old.id, 10);
    await db().updateTable('users').set({ suspendedAt: new Date() }).where('id', '=', old.id).execute();
    await deleteAndPurge(old);

    const kept = JSON.stringify(await sql`SELECT * FROM purged_phone_standings`.execute(db()));
    expect(kept).not.toContain(old.phone);
    expect(kept).not.toContain(old.phone.slice(1));

    const fresh = await signUp(old.phone);
    expect(fresh.user.id).not.toBe(old.id);
    expect(await standingOf(fresh.user.id)).toEqual({ suspended: true, strikes: [{ createdAt: recent, transactionId: null }] });
    // Taken over by the new account, which carries it from now on.
    expect((await sql`SELECT * FROM purged_phone_standings`.execute(db())).rows).toHaveLength(0);
  });

  it('two recent strikes keep bidding suspended for the new account', async () => {
    const old = await createUser(env.deps);
    await strikeDaysAgo(old.id, 20);
    await strikeDaysAgo(old.id, 5);
    await deleteAndPurge(old);
    const fresh = await signUp(old.phone);
    const me = await env.http.get('/v1/users/me').set({ Authorization: `Bearer ${fresh.accessToken}` });
    expect(me.body).toMatchObject({ strikes: 2, biddingSuspendedUntil: expect.any(String) });
  });

  it('keeps nothing for an account with a clean record', async () => {
    const old = await createUser(env.deps);
    await strikeDaysAgo(old.id, 200);
    await deleteAndPurge(old);
    expect(await db().selectFrom('purgedPhoneStandings').selectAll().where('phoneKey', '=', phoneStandingKey(env.deps.config.auth.jwtSecret, old.phone)).execute()).toEqual([]);
    const fresh = await signUp(old.phone);
    expect(await standingOf(fresh.user.id)).toEqual({ suspended: false, strikes: [] });
  });

  it('past the restore window but not purged yet: the new account inherits from the deleted one directly', async () => {
    const old = await createUser(env.deps);
    const recent = await strikeDaysAgo(old.id, 3);
    expect((await env.http.delete('/v1/users/me').set(old.auth)).status).toBe(204);
    await db().updateTable('users').set({ deletedAt: new Date(Date.now() - 31 * DAY_MS) }).where('id', '=', old.id).execute();
    const fresh = await signUp(old.phone);
    expect(await standingOf(fresh.user.id)).toEqual({ suspended: false, strikes: [{ createdAt: recent, transactionId: null }] });
  });

  it('an account that inherited directly is not haunted by the old one’s purge: a suspension staff lifted stays lifted', async () => {
    const old = await createUser(env.deps);
    await db().updateTable('users').set({ suspendedAt: new Date() }).where('id', '=', old.id).execute();
    expect((await env.http.delete('/v1/users/me').set(old.auth)).status).toBe(204);
    await db().updateTable('users').set({ deletedAt: new Date(Date.now() - 31 * DAY_MS) }).where('id', '=', old.id).execute();
    const second = await signUp(old.phone);
    expect(await standingOf(second.user.id)).toEqual({ suspended: true, strikes: [] });
    await db().updateTable('users').set({ suspendedAt: null }).where('id', '=', second.user.id).execute(); // staff lift it

    // The old account's purge comes now: the live account already carries its standing.
    await purgeDeletedAccounts(env.deps, new Date());
    expect(await db().selectFrom('purgedPhoneStandings').selectAll().where('phoneKey', '=', phoneStandingKey(env.deps.config.auth.jwtSecret, old.phone)).execute()).toEqual([]);

    // The second account goes the same way; a third signs up clean.
    expect((await env.http.delete('/v1/users/me').set({ Authorization: `Bearer ${second.accessToken}` })).status).toBe(204);
    await db().updateTable('users').set({ deletedAt: new Date(Date.now() - 31 * DAY_MS) }).where('id', '=', second.user.id).execute();
    await purgeDeletedAccounts(env.deps, new Date());
    const third = await signUp(old.phone);
    expect(await standingOf(third.user.id)).toEqual({ suspended: false, strikes: [] });
  });
});
