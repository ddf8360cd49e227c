/**
 * SPEC §7 and the job catalogue: a notification is delivered exactly once per dedupe key "whatever the
 * job retries do". Two jobs carrying the same notification can run at the same time (a stalled job
 * re-run while the first is still sending, an outbox pass repeated after a crash that merged other
 * rows into a job of another id): the phone must still buzz once and the SMS go out once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sendNotification, sendNotifications } from '../../src/modules/notifications';
import type { NotificationInput } from '../../src/shared/jobs';
import type { PushMessage, PushOutcome, PushSender } from '../../src/providers/push/push';
import type { SmsSender } from '../../src/providers/sms/sms';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

/** FCM and Twilio stand-ins that take a moment, as the real ones do (a few round trips each). */
class SlowPush implements PushSender {
  readonly sent: PushMessage[] = [];
  async send(message: PushMessage): Promise<PushOutcome> {
    await sleep(150);
    this.sent.push(message);
    return 'sent';
  }
}
class SlowSms implements SmsSender {
  readonly sent: Array<{ to: string; body: string }> = [];
  async send(to: string, body: string): Promise<void> {
    await sleep(150);
    this.sent.push({ to, body });
  }
}

let env: TestEnv;
const push = new SlowPush();
const sms = new SlowSms();

beforeAll(async () => {
  env = await createTestEnv({}, { push, sms });
});
afterAll(() => env.close());

async function userWithPhone(token: string): Promise<TestUser> {
  const user = await createUser(env.deps);
  expect((await env.http.post('/v1/users/me/devices').set(user.auth).send({ token, platform: 'android' })).status).toBe(200);
  return user;
}

const won = (user: TestUser, dedupeKey: string): NotificationInput => ({
  userId: user.id,
  type: 'won',
  dedupeKey,
  text: { key: 'won', params: { listingTitle: 'Kayak', priceCents: 40_000, paymentDeadlineSec: 172_800 } },
  data: {},
});

/** Runs a delivery the way the worker does: a failed attempt is retried until it settles. */
async function untilSettled<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i += 1) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= 20) throw err;
      await sleep(100);
    }
  }
}

describe('one notification delivered by two jobs at once', () => {
  it('pushes to the device once and texts once', async () => {
    const user = await userWithPhone('concurrent-device-token-1');
    const n = won(user, 'concurrent-won-1');
    const outcomes = await Promise.all([untilSettled(() => sendNotification(env.deps, n)), untilSettled(() => sendNotification(env.deps, n))]);
    expect(outcomes.sort()).toEqual(['duplicate', 'sent']);
    expect(push.sent.filter((m) => m.token === 'concurrent-device-token-1')).toHaveLength(1);
    expect(sms.sent.filter((m) => m.to === user.phone)).toHaveLength(1);
    const rows = await env.deps.db.selectFrom('notifications').select('deliveredAt').where('dedupeKey', '=', n.dedupeKey).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].deliveredAt).not.toBeNull();
  });

  it('overlapping batches: each notification goes out once', async () => {
    const users = await Promise.all([1, 2, 3].map((i) => userWithPhone(`concurrent-batch-token-${i}`)));
    const batch = users.map((u, i) => won(u, `concurrent-batch-${i}`));
    await Promise.all([
      untilSettled(() => sendNotifications(env.deps, batch)),
      untilSettled(() => sendNotifications(env.deps, batch.slice(1))),
      untilSettled(() => sendNotification(env.deps, batch[2])),
    ]);
    for (const [i, u] of users.entries()) {
      expect(push.sent.filter((m) => m.token === `concurrent-batch-token-${i + 1}`)).toHaveLength(1);
      expect(sms.sent.filter((m) => m.to === u.phone)).toHaveLength(1);
    }
  });
});
