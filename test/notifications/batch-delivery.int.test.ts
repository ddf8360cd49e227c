/**
 * A batch of notifications (a decided bid batch's outbid notices, a close batch's won/sold/lost)
 * reads all its recipients in one statement and stores all its rows in one more; only those with a
 * push or a text to send take further round trips. Each is still delivered once per dedupe key.
 */
import type { KyselyPlugin } from 'kysely';
import { sendNotifications } from '../../src/modules/notifications';
import type { NotificationInput } from '../../src/shared/jobs';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

/** The deps with a database handle that counts the statements it runs. */
function counting() {
  const counter = { statements: 0 };
  const plugin: KyselyPlugin = {
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      counter.statements += 1;
      return args.result;
    },
  };
  return { deps: { ...env.deps, db: env.deps.db.withPlugin(plugin) }, counter };
}

const outbid = (user: TestUser, key: string): NotificationInput => ({
  userId: user.id,
  type: 'outbid',
  dedupeKey: `batch-${key}`,
  text: { key: 'outbid', params: { listingTitle: 'Lot', currentPriceCents: 1200 } },
  data: { listingId: '00000000-0000-4000-8000-000000000001', currentPriceCents: 1200 },
});

/** The stored rows of a batch's notifications. */
const storedOf = (batch: NotificationInput[]) =>
  env.deps.db
    .selectFrom('notifications')
    .select(['userId', 'deliveredAt'])
    .where('dedupeKey', 'in', batch.map((n) => n.dedupeKey))
    .execute();

it('stores twenty notices to twenty users in two statements, each once', async () => {
  const users = await Promise.all(Array.from({ length: 20 }, () => createUser(env.deps)));
  const batch = users.map((u, i) => outbid(u, `${u.id}-${i}`));
  const { deps, counter } = counting();

  expect(await sendNotifications(deps, [...batch, batch[3]])).toEqual({ sent: 20, duplicate: 1 });
  expect(counter.statements).toBe(2);

  const rows = await storedOf(batch);
  expect(rows.map((r) => r.userId).sort()).toEqual(users.map((u) => u.id).sort());
  expect(rows.every((r) => r.deliveredAt !== null)).toBe(true);

  // Sent again (a retried job): nothing new, every one a duplicate.
  expect(await sendNotifications(env.deps, batch)).toEqual({ sent: 0, duplicate: 20 });
});

it('pushes to the one recipient with a device, alongside the others stored at once', async () => {
  const [withPhone, ...others] = await Promise.all(Array.from({ length: 4 }, () => createUser(env.deps)));
  const token = `batch-device-${withPhone.id}`;
  expect((await env.http.post('/v1/users/me/devices').set(withPhone.auth).send({ token, platform: 'ios' })).status).toBe(200);
  const batch = [withPhone, ...others].map((u) => outbid(u, `push-${u.id}`));

  expect(await sendNotifications(env.deps, batch)).toEqual({ sent: 4, duplicate: 0 });
  expect(env.push.sent.filter((m) => m.token === token)).toHaveLength(1);
  const stored = await storedOf(batch);
  expect(stored).toHaveLength(4);
  expect(stored.every((r) => r.deliveredAt !== null)).toBe(true);
});
