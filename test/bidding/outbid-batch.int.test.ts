/**
 * A decided batch queues its outbid notifications as one job, not one per displaced bidder: in a
 * bidding war nearly every accepted bid displaces someone, and each BullMQ job costs ≈ 40 Redis
 * commands and a pass of the outbox relay. Each displacement still carries its own notification
 * (its own dedupe key), and the `outbid` socket events are not merged.
 */
import { decideBids } from '../../src/modules/bidding/decide-bids';
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
