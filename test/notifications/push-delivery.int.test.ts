import { sendNotification, sendNotifications } from '../../src/modules/notifications';
import { pushOutcomeOfError } from '../../src/providers/push/firebase-push';
import type { PushMessage, PushOutcome, PushSender } from '../../src/providers/push/push';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

/** Push stand-in that fails once for one token, like a transient FCM error for one device. */
class FlakyPush implements PushSender {
  readonly sent: PushMessage[] = [];
  failOnceFor = new Set<string>();
  /** Runs as a push is handed over, before it counts as sent (what else happens at that moment). */
  onSend?: (message: PushMessage) => Promise<void>;
  async send(message: PushMessage): Promise<PushOutcome> {
    await this.onSend?.(message);
    if (this.failOnceFor.delete(message.token)) throw Object.assign(new Error('FCM unavailable'), { code: 'messaging/internal-error' });
    this.sent.push(message);
    return 'sent';
  }
}

let env: TestEnv;
let user: TestUser;
const push = new FlakyPush();

beforeAll(async () => {
  env = await createTestEnv({}, { push });
  user = await createUser(env.deps);
});
afterAll(() => env.close());

describe('push delivery', () => {
  it('a retry re-sends only to the devices not reached yet', async () => {
    for (const token of ['phone-one-token-1', 'phone-two-token-2']) {
      expect((await env.http.post('/v1/users/me/devices').set(user.auth).send({ token, platform: 'android' })).status).toBe(200);
    }
    push.failOnceFor.add('phone-two-token-2');
    const n = { userId: user.id, type: 'outbid' as const, dedupeKey: 'retry-1', text: { key: 'new_message' as const, params: { preview: 'B' } }, data: {} };
    await expect(sendNotification(env.deps, n)).rejects.toThrow('FCM unavailable');
    expect(await sendNotification(env.deps, n)).toBe('sent');
    const tokens = push.sent.map((m) => m.token);
    expect(tokens.filter((t) => t === 'phone-one-token-1')).toHaveLength(1);
    expect(tokens.filter((t) => t === 'phone-two-token-2')).toHaveLength(1);
    // Both devices stay registered: a transient error is not a dead token.
    const left = await env.deps.db.selectFrom('devices').select('token').where('userId', '=', user.id).orderBy('token').execute();
    expect(left.map((d) => d.token)).toEqual(['phone-one-token-1', 'phone-two-token-2']);
  });

  it('a batch delivers every notification it can, fails for the rest, and its retry sends only those', async () => {
    const [ann, ben, cat] = await Promise.all(['Ann', 'Ben', 'Cat'].map((displayName) => createUser(env.deps, { displayName })));
    for (const [who, token] of [[ann, 'ann-phone-token-1'], [ben, 'ben-phone-token-1'], [cat, 'cat-phone-token-1']] as const) {
      expect((await env.http.post('/v1/users/me/devices').set(who.auth).send({ token, platform: 'ios' })).status).toBe(200);
    }
    push.failOnceFor.add('ben-phone-token-1');
    const batch = [ann, ben, cat].map((who) => ({
      userId: who.id,
      type: 'lost' as const,
      dedupeKey: `batch-lost-${who.id}`,
      text: { key: 'lost_no_sale' as const, params: { listingTitle: 'Lamp' } },
      data: { listingId: 'l1' },
    }));
    await expect(sendNotifications(env.deps, batch)).rejects.toThrow('1 of 3 notifications not delivered: Error: FCM unavailable');
    expect(await sendNotifications(env.deps, batch)).toEqual({ sent: 1, duplicate: 2 });
    const tokens = push.sent.map((m) => m.token);
    for (const token of ['ann-phone-token-1', 'ben-phone-token-1', 'cat-phone-token-1']) expect(tokens.filter((t) => t === token)).toHaveLength(1);
    const rows = await env.deps.db.selectFrom('notifications').select(['userId', 'deliveredAt']).where('dedupeKey', 'like', 'batch-lost-%').execute();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.deliveredAt !== null)).toBe(true);
  });

  it("a phone that changes hands while a notification is being pushed does not get the previous account's push", async () => {
    const [dana, eli] = await Promise.all(['Dana', 'Eli'].map((displayName) => createUser(env.deps, { displayName })));
    const tokens = ['dana-phone-token-1', 'dana-tablet-token-2', 'dana-old-phone-token-3'];
    for (const token of tokens) {
      expect((await env.http.post('/v1/users/me/devices').set(dana.auth).send({ token, platform: 'android' })).status).toBe(200);
    }
    // While her first device is pushed to, Eli signs in on another of Dana's devices, and Dana signs
    // out of the third.
    let handedOver = false;
    push.onSend = async (message) => {
      if (handedOver || !tokens.includes(message.token)) return;
      handedOver = true;
      const [toEli, signedOut] = tokens.filter((t) => t !== message.token);
      expect((await env.http.post('/v1/users/me/devices').set(eli.auth).send({ token: toEli, platform: 'android' })).status).toBe(200);
      await env.http.delete(`/v1/users/me/devices/${signedOut}`).set(dana.auth).expect(204);
    };
    try {
      const n = { userId: dana.id, type: 'won' as const, dedupeKey: `hands-${dana.id}`, text: { key: 'new_message' as const, params: { preview: 'D' } }, data: {} };
      expect(await sendNotification(env.deps, n)).toBe('sent');
    } finally {
      push.onSend = undefined;
    }
    expect(push.sent.filter((m) => tokens.includes(m.token))).toHaveLength(1);
  });

  it("a retried batch's notification delivered long ago does not take the push window of the next notice", async () => {
    const fay = await createUser(env.deps, { displayName: 'Fay' });
    const token = 'fay-phone-token-1';
    expect((await env.http.post('/v1/users/me/devices').set(fay.auth).send({ token, platform: 'ios' })).status).toBe(200);
    const pushThrottle = { key: `outbid-l9-${fay.id}`, windowSec: 60 };
    const outbid = (n: number) => ({
      userId: fay.id,
      type: 'outbid' as const,
      dedupeKey: `window-${fay.id}-${n}`,
      text: { key: 'new_message' as const, params: { preview: String(n) } },
      data: {},
      pushThrottle,
    });
    expect(await sendNotifications(env.deps, [outbid(1)])).toEqual({ sent: 1, duplicate: 0 });
    // The minute passes; then the batch that carried the first notice is retried (another of its
    // notifications had failed), and a new notice follows.
    await env.deps.redis.del(`${env.deps.config.redisPrefix}:push-throttle:${pushThrottle.key}`);
    expect(await sendNotifications(env.deps, [outbid(1)])).toEqual({ sent: 0, duplicate: 1 });
    expect(await sendNotifications(env.deps, [outbid(2)])).toEqual({ sent: 1, duplicate: 0 });
    expect(push.sent.filter((m) => m.token === token).map((m) => m.body)).toEqual(['1', '2']);
  });

  it('firebase-admin errors: only dead-token codes forget the device; a payload error is rethrown', () => {
    expect(pushOutcomeOfError({ code: 'messaging/registration-token-not-registered' })).toBe('invalid');
    expect(pushOutcomeOfError({ code: 'messaging/invalid-registration-token' })).toBe('invalid');
    expect(pushOutcomeOfError({ code: 'messaging/invalid-argument' })).toBe('rethrow');
    expect(pushOutcomeOfError({ code: 'messaging/internal-error' })).toBe('rethrow');
    expect(pushOutcomeOfError(new Error('socket hang up'))).toBe('rethrow');
    expect(pushOutcomeOfError(null)).toBe('rethrow');
  });
});
