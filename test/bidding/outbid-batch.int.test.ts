/**
 * A decided batch queues its outbid notifications as one job, not one per displaced bidder: in a
 * bidding war nearly every accepted bid displaces someone, and each BullMQ job costs ≈ 40 Redis
 * commands and a pass of the outbox relay. Each displacement still carries its own notification
 * (its own dedupe key), and the `outbid` socket events are not merged. The notification rows wait in
 * the outbox OUTBID_NOTIFY_DELAY_MS (the events do not), so that the relay finds those of many
 * batches in one pass and queues them as one job.
 */
import type { Job } from 'bullmq';
import { decideBids } from '../../src/modules/bidding/decide-bids';
import { OutboxRelay } from '../../workers/outbox-relay';
import { createActiveListing } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv } from '../support/harness';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

type OutboxPayload = {
  name?: string;
  event?: string;
  data: { userId?: string; type?: string; dedupeKey?: string; notifications?: Array<{ userId: string; type: string; dedupeKey: string }> };
};

it('puts every displacement of a batch in one notification job', async () => {
  const seller = await createUser(env.deps);
  const [alice, bob, carol] = await Promise.all([createUser(env.deps), createUser(env.deps), createUser(env.deps)]);
  const listing = await createActiveListing(env.deps, seller.id, { startingPriceCents: 500 });
  const at = Date.now();
  const command = (n: number, bidderId: string, maxAmountCents: number) => ({
    requestId: `r-outbid-batch-${listing.id}-${n}`,
    listingId: listing.id,
    bidderId,
    maxAmountCents,
    receivedAt: at + n,
  });

  const started = new Date();
  const decided = await decideBids(env.deps, listing.id, [
    command(1, alice.id, 1000),
    command(2, bob.id, 2000), // displaces Alice
    command(3, carol.id, 3000), // displaces Bob
    command(4, alice.id, 4000), // displaces Carol
  ]);
  expect(decided.every((d) => d.result.ok)).toBe(true);

  const rows = (await env.deps.db.selectFrom('outbox').select('payload').where('createdAt', '>=', started).execute()).map(
    (r) => r.payload as OutboxPayload,
  );
  const notificationJobs = rows.filter((p) => p.name?.startsWith('notification.'));
  expect(notificationJobs.map((p) => p.name)).toEqual(['notification.send_batch']);
  const carried = notificationJobs[0].data.notifications!;
  expect(carried.map((n) => [n.userId, n.type])).toEqual([
    [alice.id, 'outbid'],
    [bob.id, 'outbid'],
    [carol.id, 'outbid'],
  ]);
  expect(new Set(carried.map((n) => n.dedupeKey)).size).toBe(3);
  // The socket events stay one per displaced bidder.
  expect(rows.filter((p) => p.event === 'outbid')).toHaveLength(3);
});

it('sends a single displacement as its own notification job', async () => {
  const seller = await createUser(env.deps);
  const [alice, bob] = await Promise.all([createUser(env.deps), createUser(env.deps)]);
  const listing = await createActiveListing(env.deps, seller.id, { startingPriceCents: 500 });
  const at = Date.now();
  const started = new Date();
  await decideBids(env.deps, listing.id, [
    { requestId: `r-outbid-one-${listing.id}-1`, listingId: listing.id, bidderId: alice.id, maxAmountCents: 1000, receivedAt: at },
    { requestId: `r-outbid-one-${listing.id}-2`, listingId: listing.id, bidderId: bob.id, maxAmountCents: 2000, receivedAt: at + 1 },
  ]);
  const rows = (await env.deps.db.selectFrom('outbox').select('payload').where('createdAt', '>=', started).execute()).map(
    (r) => r.payload as OutboxPayload,
  );
  const jobs = rows.filter((p) => p.name?.startsWith('notification.'));
  expect(jobs.map((p) => [p.name, p.data.userId, p.data.type])).toEqual([['notification.send', alice.id, 'outbid']]);
});

it("holds a batch's notifications (not its events) in the outbox, and the relay merges several batches' into one job", async () => {
  const delay = env.deps.config.timing.outbidNotifyDelayMs;
  expect(delay).toBeGreaterThan(0);
  const seller = await createUser(env.deps);
  const batches = await Promise.all(
    [0, 1, 2].map(async () => {
      const [first, second] = await Promise.all([createUser(env.deps), createUser(env.deps)]);
      const listing = await createActiveListing(env.deps, seller.id, { startingPriceCents: 500 });
      return { first, second, listing };
    }),
  );
  // The three batches must commit inside one window of the grid, or their notices fall due apart
  // (and are rightly not merged): start them together at the start of a window.
  await new Promise((r) => setTimeout(r, delay - (Date.now() % delay) + 10));
  const started = new Date();
  const at = Date.now();
  await Promise.all(
    batches.map(({ first, second, listing }) =>
      decideBids(env.deps, listing.id, [
        { requestId: `r-merge-${listing.id}-1`, listingId: listing.id, bidderId: first.id, maxAmountCents: 1000, receivedAt: at },
        { requestId: `r-merge-${listing.id}-2`, listingId: listing.id, bidderId: second.id, maxAmountCents: 2000, receivedAt: at + 1 },
      ]),
    ),
  );
  const keys = batches.map(({ first, listing }) => `outbid-${listing.id}-${first.id}-r-merge-${listing.id}-2`);
  const rows = await env.deps.db
    .selectFrom('outbox')
    .select(['payload', 'createdAt', 'availableAt'])
    .where('createdAt', '>=', started)
    .execute();
  const heldFor = (p: (payload: OutboxPayload) => boolean) =>
    rows.filter((r) => p(r.payload as OutboxPayload)).map((r) => r.availableAt.getTime() - r.createdAt.getTime());
  const notices = heldFor((p) => p.name === 'notification.send');
  expect(notices).toHaveLength(3);
  // Due on a grid of `delay` (every batch of a window at once), at least `delay` after the commit
  // (give or take the node clock against PostgreSQL's).
  for (const held of notices) expect(held).toBeGreaterThan(delay - 100);
  for (const held of notices) expect(held).toBeLessThan(2 * delay + 100);
  const dueAt = rows.filter((r) => (r.payload as OutboxPayload).name === 'notification.send').map((r) => r.availableAt.getTime());
  for (const due of dueAt) expect(due % delay).toBe(0);
  expect(new Set(dueAt).size).toBe(1);
  for (const held of heldFor((p) => p.event === 'outbid')) expect(held).toBeLessThanOrEqual(0);

  const relay = new OutboxRelay(await env.sibling(), { pollMs: 100 });
  const carrying = (job: Job) => ((job.data as OutboxPayload['data']).notifications ?? []).map((n) => n.dedupeKey);
  try {
    await relay.start();
    let merged: Job | undefined;
    for (const deadline = Date.now() + delay + 5000; !merged && Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const jobs = await env.deps.queues.notifications.getJobs(['waiting', 'prioritized', 'active', 'completed', 'failed']);
      merged = jobs.find((job) => keys.every((k) => carrying(job).includes(k)));
    }
    expect(merged?.name).toBe('notification.send_batch');
    expect(merged?.id).toMatch(/^notify-merged-/);
  } finally {
    await relay.stop();
  }
});
