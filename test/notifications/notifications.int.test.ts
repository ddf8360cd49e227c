import { sql } from 'kysely';
import type { Response } from 'supertest';
import { sendNotification, sendNotifications } from '../../src/modules/notifications';
import type { PushMessage, PushOutcome, PushSender } from '../../src/providers/push/push';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

/** Push stand-in that reports one token as uninstalled and can fail once, like FCM does. */
class ScriptedPush implements PushSender {
  readonly sent: PushMessage[] = [];
  failNext = false;
  async send(message: PushMessage): Promise<PushOutcome> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('FCM unavailable');
    }
    this.sent.push(message);
    return message.token.startsWith('gone') ? 'invalid' : 'sent';
  }
}

let env: TestEnv;
let user: TestUser;
const push = new ScriptedPush();

beforeAll(async () => {
  env = await createTestEnv({}, { push });
  user = await createUser(env.deps);
});
afterAll(() => env.close());

const note = (dedupeKey: string, type: 'outbid' | 'won' = 'outbid') => ({
  userId: user.id,
  type,
  dedupeKey,
  text: { key: 'outbid' as const, params: { listingTitle: 'Lamp', currentPriceCents: 900 } },
  data: { listingId: 'l1', currentPriceCents: 900 },
});

describe('notifications', () => {
  it('registers devices and pushes to them, forgetting uninstalled ones', async () => {
    for (const token of ['device-token-aaaaaa', 'gone-token-bbbbbbbb']) {
      const res = await env.http.post('/v1/users/me/devices').set(user.auth).send({ token, platform: 'ios' });
      expect(res.status).toBe(200);
    }
    expect(await sendNotification(env.deps, note('n1'))).toBe('sent');
    expect(push.sent.map((m) => m.token).sort()).toEqual(['device-token-aaaaaa', 'gone-token-bbbbbbbb']);
    expect(push.sent[0].data).toMatchObject({ type: 'outbid', currentPriceCents: '900' });
    const left = await env.deps.db.selectFrom('devices').select('token').where('userId', '=', user.id).execute();
    expect(left.map((d) => d.token)).toEqual(['device-token-aaaaaa']);
  });

  it('delivers once per dedupe key, and retries push after a failure without a second in-app row', async () => {
    push.sent.length = 0;
    push.failNext = true;
    await expect(sendNotification(env.deps, note('n2'))).rejects.toThrow('FCM unavailable');
    expect(await sendNotification(env.deps, note('n2'))).toBe('sent');
    expect(await sendNotification(env.deps, note('n2'))).toBe('duplicate');
    expect(push.sent).toHaveLength(1);
    const rows = await env.deps.db.selectFrom('notifications').selectAll().where('dedupeKey', '=', 'n2').execute();
    expect(rows).toHaveLength(1);
  });

  it('texts the winner (SMS for notifications that must not be missed)', async () => {
    await sendNotification(env.deps, note('n3', 'won'));
    expect(env.sms.sent.some((m) => m.to === user.phone && m.body === 'Biddt: Someone outbid you on "Lamp". Current price: $9.00.')).toBe(true);
  });

  it('lists, counts and marks notifications read, only for their owner', async () => {
    const list = await env.http.get('/v1/notifications').set(user.auth);
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBe(3);
    expect((await env.http.get('/v1/notifications/unread-count').set(user.auth)).body).toEqual({ count: 3 });

    const stranger = await createUser(env.deps);
    const first = list.body.items[0].id;
    expect((await env.http.patch(`/v1/notifications/${first}/read`).set(stranger.auth)).status).toBe(404);
    const read = await env.http.patch(`/v1/notifications/${first}/read`).set(user.auth);
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    expect((await env.http.get('/v1/notifications/unread-count').set(user.auth)).body).toEqual({ count: 2 });
    expect((await env.http.patch('/v1/notifications/read-all').set(user.auth)).status).toBe(204);
    expect((await env.http.get('/v1/notifications/unread-count').set(user.auth)).body).toEqual({ count: 0 });
    const page = await env.http.get('/v1/notifications?limit=2').set(user.auth);
    expect(page.body.items).toHaveLength(2);
    const next = await env.http.get(`/v1/notifications?limit=2&cursor=${page.body.nextCursor}`).set(user.auth);
    expect(next.body.items).toHaveLength(1);
    expect(next.body.nextCursor).toBeNull();
  });

  it('pages one by one through notifications stored by one batch (same created_at, to the microsecond) without skipping any', async () => {
    const reader = await createUser(env.deps);
    await sendNotifications(
      env.deps,
      ['b1', 'b2', 'b3'].map((dedupeKey) => ({ ...note(dedupeKey), userId: reader.id })),
    );
    const stamps = await env.deps.db.selectFrom('notifications').select(sql<string>`created_at::text`.as('at')).where('userId', '=', reader.id).execute();
    expect(new Set(stamps.map((r) => r.at)).size).toBe(1);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res: Response = await env.http.get('/v1/notifications').query({ limit: 1, ...(cursor ? { cursor } : {}) }).set(reader.auth);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((n: { id: string }) => n.id));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    const forged = await env.http.get('/v1/notifications').query({ cursor: 'not-a-cursor' }).set(reader.auth);
    expect(forged.status).toBe(400);
    expect(forged.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('moves a token to the account that registers it last, without telling that account about the previous one', async () => {
    const [a, b] = [await createUser(env.deps), await createUser(env.deps)];
    const token = 'shared-phone-token-cccccc';
    expect((await env.http.post('/v1/users/me/devices').set(a.auth).send({ token, platform: 'android' })).status).toBe(200);
    await sql`UPDATE devices SET created_at = now() - interval '30 days' WHERE token = ${token}`.execute(env.deps.db);
    const beforeB = Date.now();
    const res = await env.http.post('/v1/users/me/devices').set(b.auth).send({ token, platform: 'ios' });
    expect(res.status).toBe(200);
    // Nothing of A's registration shows: not its platform, nor when A registered the phone.
    expect(Object.keys(res.body).sort()).toEqual(['createdAt', 'platform', 'token']);
    expect(res.body.platform).toBe('ios');
    expect(new Date(res.body.createdAt).getTime()).toBeGreaterThanOrEqual(beforeB - 1000);
    // The same account registering its phone again keeps when it first did.
    const again = await env.http.post('/v1/users/me/devices').set(b.auth).send({ token, platform: 'ios' });
    expect(again.body.createdAt).toBe(res.body.createdAt);

    push.sent.length = 0;
    await sendNotification(env.deps, { ...note('move-a'), userId: a.id });
    expect(push.sent.map((m) => m.token)).not.toContain(token);
    await sendNotification(env.deps, { ...note('move-b'), userId: b.id });
    expect(push.sent.map((m) => m.token)).toEqual([token]);
    // A can no longer remove the phone it gave up; B can.
    expect((await env.http.delete(`/v1/users/me/devices/${token}`).set(a.auth)).status).toBe(404);
    expect((await env.http.delete(`/v1/users/me/devices/${token}`).set(b.auth)).status).toBe(204);
  });

  it('removes a device only for its owner', async () => {
    const stranger = await createUser(env.deps);
    expect((await env.http.delete('/v1/users/me/devices/device-token-aaaaaa').set(stranger.auth)).status).toBe(404);
    expect((await env.http.delete('/v1/users/me/devices/device-token-aaaaaa').set(user.auth)).status).toBe(204);
  });
});
