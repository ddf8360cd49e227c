import { sendNotification } from '../../src/modules/notifications';
import type { PushMessage, PushOutcome, PushSender } from '../../src/providers/push/push';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

/**
 * Push stand-in: FCM answers `invalid` for the tokens in `dead` (app uninstalled), fails for those in
 * `failing` (an outage: the job retries), `sent` otherwise.
 */
class DevicePush implements PushSender {
  readonly sent: PushMessage[] = [];
  readonly dead = new Set<string>();
  readonly failing = new Set<string>();
  async send(message: PushMessage): Promise<PushOutcome> {
    if (this.dead.has(message.token)) return 'invalid';
    if (this.failing.has(message.token)) throw new Error('FCM unavailable');
    this.sent.push(message);
    return 'sent';
  }
}

let env: TestEnv;
const push = new DevicePush();
const path = '/v1/users/me/notification-preferences';

beforeAll(async () => {
  env = await createTestEnv({}, { push });
});
afterAll(() => env.close());

const note = (user: TestUser, dedupeKey: string, type: 'won' | 'payment_due' | 'outbid') => ({
  userId: user.id,
  type,
  dedupeKey,
  // new_message's template shows its preview verbatim: the body names the notification.
  text: { key: 'new_message' as const, params: { preview: `Body of ${dedupeKey}` } },
  data: { listingId: 'l1' },
});

const textsTo = (user: TestUser, dedupeKey: string) => env.sms.sent.filter((m) => m.to === user.phone && m.body.includes(`Body of ${dedupeKey}`));

/** A user who chose push only for the must-reach types (SMS off for won and payment_due). */
async function pushOnlyUser(): Promise<TestUser> {
  const user = await createUser(env.deps);
  const res = await env.http.put(path).set(user.auth).send({ preferences: { won: { sms: false }, payment_due: { sms: false } } });
  expect(res.status).toBe(200);
  return user;
}

const register = async (user: TestUser, token: string) =>
  expect((await env.http.post('/v1/users/me/devices').set(user.auth).send({ token, platform: 'android' })).status).toBe(200);

describe('must-reach notices (won, payment_due) when SMS is off and push cannot deliver', () => {
  it('texts the verified phone when the user has no push device', async () => {
    const user = await pushOnlyUser();
    expect(await sendNotification(env.deps, note(user, 'fallback-won-1', 'won'))).toBe('sent');
    expect(await sendNotification(env.deps, note(user, 'fallback-due-1', 'payment_due'))).toBe('sent');
    expect(textsTo(user, 'fallback-won-1')).toHaveLength(1);
    expect(textsTo(user, 'fallback-due-1')).toHaveLength(1);
    // The in-app row is written as always, and delivered.
    const rows = await env.deps.db.selectFrom('notifications').select(['dedupeKey', 'deliveredAt']).where('userId', '=', user.id).execute();
    expect(rows.map((r) => [r.dedupeKey, r.deliveredAt !== null]).sort()).toEqual([
      ['fallback-due-1', true],
      ['fallback-won-1', true],
    ]);
    // A retry of the same notification texts nothing more.
    expect(await sendNotification(env.deps, note(user, 'fallback-won-1', 'won'))).toBe('duplicate');
    expect(textsTo(user, 'fallback-won-1')).toHaveLength(1);
  });

  it('texts the verified phone when every device turns out dead (FCM: invalid token)', async () => {
    const user = await pushOnlyUser();
    await register(user, 'uninstalled-app-token-1');
    push.dead.add('uninstalled-app-token-1');
    await sendNotification(env.deps, note(user, 'fallback-won-2', 'won'));
    expect(push.sent.filter((m) => m.token === 'uninstalled-app-token-1')).toHaveLength(0);
    expect(textsTo(user, 'fallback-won-2')).toHaveLength(1);
    const devices = await env.deps.db.selectFrom('devices').select('token').where('userId', '=', user.id).execute();
    expect(devices).toEqual([]);
  });

  it('does not text when a device got the push, nor for other types, nor to an unverified or STOPped phone', async () => {
    const pushed = await pushOnlyUser();
    await register(pushed, 'working-phone-token-1');
    await sendNotification(env.deps, note(pushed, 'fallback-won-3', 'won'));
    expect(push.sent.filter((m) => m.token === 'working-phone-token-1')).toHaveLength(1);
    expect(textsTo(pushed, 'fallback-won-3')).toHaveLength(0);

    // Only the must-reach types fall back: an outbid notice without a device is in-app only.
    const other = await pushOnlyUser();
    await sendNotification(env.deps, note(other, 'fallback-outbid-1', 'outbid'));
    expect(textsTo(other, 'fallback-outbid-1')).toHaveLength(0);

    const unverified = await pushOnlyUser();
    await env.deps.db.updateTable('users').set({ phoneVerifiedAt: null }).where('id', '=', unverified.id).execute();
    await sendNotification(env.deps, note(unverified, 'fallback-won-4', 'won'));
    expect(textsTo(unverified, 'fallback-won-4')).toHaveLength(0);

    const stopped = await pushOnlyUser();
    await env.deps.db.insertInto('smsOptOuts').values({ phoneNumber: stopped.phone }).execute();
    expect(await sendNotification(env.deps, note(stopped, 'fallback-won-5', 'won'))).toBe('sent');
    expect(textsTo(stopped, 'fallback-won-5')).toHaveLength(0);
  });

  it('does not text on a retry when an earlier attempt pushed to a device the user has signed out of since', async () => {
    const user = await pushOnlyUser();
    await register(user, 'reached-phone-token-1');
    await register(user, 'flaky-phone-token-1');
    push.failing.add('flaky-phone-token-1');
    await expect(sendNotification(env.deps, note(user, 'fallback-won-6', 'won'))).rejects.toThrow('FCM unavailable');
    expect(push.sent.filter((m) => m.token === 'reached-phone-token-1')).toHaveLength(1);

    // Signed out before the retry: no device is left to push to, but one has the notice already.
    expect((await env.http.delete('/v1/auth/logout').set(user.auth)).status).toBe(204);
    expect(await sendNotification(env.deps, note(user, 'fallback-won-6', 'won'))).toBe('sent');
    expect(textsTo(user, 'fallback-won-6')).toHaveLength(0);
  });
});
