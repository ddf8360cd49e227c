import { sendNotification } from '../../src/modules/notifications';
import type { PushMessage, PushOutcome, PushSender } from '../../src/providers/push/push';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

class RecordingPush implements PushSender {
  readonly sent: PushMessage[] = [];
  async send(message: PushMessage): Promise<PushOutcome> {
    this.sent.push(message);
    return 'sent';
  }
}

let env: TestEnv;
let user: TestUser;
const push = new RecordingPush();
const path = '/v1/users/me/notification-preferences';

beforeAll(async () => {
  env = await createTestEnv({}, { push });
  user = await createUser(env.deps);
  const res = await env.http.post('/v1/users/me/devices').set(user.auth).send({ token: 'pref-device-token-1', platform: 'android' });
  expect(res.status).toBe(200);
});
afterAll(() => env.close());

const note = (dedupeKey: string, type: 'outbid' | 'won') => ({
  userId: user.id,
  type,
  dedupeKey,
  // new_message's template shows its preview verbatim: the body names the notification.
  text: { key: 'new_message' as const, params: { preview: `Body of ${dedupeKey}` } },
  data: { listingId: 'l1' },
});

describe('notification preferences', () => {
  it('starts with every channel on, sms only for the texted types', async () => {
    const res = await env.http.get(path).set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body.preferences.outbid).toEqual({ push: true });
    expect(res.body.preferences.won).toEqual({ push: true, sms: true });
    expect(res.body.preferences.payment_due).toEqual({ push: true, sms: true });
  });

  it('push off → no push, the in-app row is still written', async () => {
    const res = await env.http.put(path).set(user.auth).send({ preferences: { outbid: { push: false } } });
    expect(res.status).toBe(200);
    expect(res.body.preferences.outbid).toEqual({ push: false });
    expect(res.body.preferences.won).toEqual({ push: true, sms: true });

    push.sent.length = 0;
    expect(await sendNotification(env.deps, note('pref-1', 'outbid'))).toBe('sent');
    expect(push.sent).toHaveLength(0);
    const rows = await env.deps.db.selectFrom('notifications').selectAll().where('dedupeKey', '=', 'pref-1').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].userId).toBe(user.id);
  });

  it('sms off for won → pushed but not texted; push back on for outbid → pushed again', async () => {
    expect((await env.http.put(path).set(user.auth).send({ preferences: { won: { sms: false }, outbid: { push: true } } })).status).toBe(200);
    push.sent.length = 0;
    await sendNotification(env.deps, note('pref-2', 'won'));
    await sendNotification(env.deps, note('pref-3', 'outbid'));
    expect(push.sent.map((m) => m.body)).toEqual(['Body of pref-2', 'Body of pref-3']);
    expect(env.sms.sent.some((m) => m.body.includes('Body of pref-2'))).toBe(false);
  });

  it('refuses to silence won or payment_due on every channel at once, naming the field', async () => {
    const res = await env.http.put(path).set(user.auth).send({ preferences: { won: { push: false } } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'preferences.won', message: expect.any(String) }]);
    const both = await env.http.put(path).set(user.auth).send({ preferences: { payment_due: { push: false, sms: false } } });
    expect(both.status).toBe(422);
    expect(both.body.errors.map((e: { field: string }) => e.field)).toEqual(['preferences.payment_due']);
    // Nothing of a refused update is saved.
    expect((await env.http.get(path).set(user.auth)).body.preferences.won).toEqual({ push: true, sms: false });
  });

  it('keeps won on a channel when push-off and sms-off arrive at the same time: one is saved, the other refused', async () => {
    // Several users, each sent both halves at once: a read-check-write without a lock lets both pass.
    const racers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => createUser(env.deps)));
    await Promise.all(
      racers.map(async (racer) => {
        const answers = await Promise.all([
          env.http.put(path).set(racer.auth).send({ preferences: { won: { push: false } } }),
          env.http.put(path).set(racer.auth).send({ preferences: { won: { sms: false } } }),
        ]);
        expect(answers.map((a) => a.status).sort()).toEqual([200, 422]);
        expect(answers.find((a) => a.status === 422)!.body).toMatchObject({ code: 'notification_cannot_be_silenced' });
        const won = (await env.http.get(path).set(racer.auth)).body.preferences.won as { push: boolean; sms: boolean };
        expect(won.push || won.sms).toBe(true);
      }),
    );
  });

  it('a phone that replied STOP cannot be texted: push is then the last channel of won and cannot be switched off', async () => {
    const stopped = await createUser(env.deps);
    await env.deps.db.insertInto('smsOptOuts').values({ phoneNumber: stopped.phone }).execute();
    const res = await env.http.put(path).set(stopped.auth).send({ preferences: { won: { push: false } } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      code: 'notification_cannot_be_silenced',
      errors: [{ field: 'preferences.won', message: expect.stringContaining('STOP') }],
    });
    expect((await env.http.get(path).set(stopped.auth)).body.preferences.won).toEqual({ push: true, sms: true });
    // Other types, and won once the phone opted back in (START), change as usual.
    expect((await env.http.put(path).set(stopped.auth).send({ preferences: { outbid: { push: false } } })).status).toBe(200);
    await env.deps.db.deleteFrom('smsOptOuts').where('phoneNumber', '=', stopped.phone).execute();
    expect((await env.http.put(path).set(stopped.auth).send({ preferences: { won: { push: false } } })).status).toBe(200);
  });

  it('rejects unknown types and sms for a type that is never texted, naming the field', async () => {
    const unknown = await env.http.put(path).set(user.auth).send({ preferences: { nonsense: { push: false } } });
    expect(unknown.status).toBe(400);
    const sms = await env.http.put(path).set(user.auth).send({ preferences: { outbid: { sms: false } } });
    expect(sms.status).toBe(400);
    expect(JSON.stringify(sms.body.errors)).toContain('preferences.outbid');
  });

  it('is the caller’s own: another user sees the defaults, anonymous is 401', async () => {
    const other = await createUser(env.deps);
    expect((await env.http.get(path).set(other.auth)).body.preferences.outbid).toEqual({ push: true });
    expect((await env.http.get(path)).status).toBe(401);
    expect((await env.http.put(path).send({ preferences: {} })).status).toBe(401);
  });
});
