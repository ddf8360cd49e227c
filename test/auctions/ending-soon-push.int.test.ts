/** SPEC §7: 15 minutes before the end, watchers and bidders (never the seller) get an `ending_soon` push. */
import { jobsForPublishedListing } from '../../src/modules/auctions/auction-jobs';
import { pushEndingSoon } from '../../src/modules/auctions/ending-soon';
import { sendNotification } from '../../src/modules/notifications';
import type { NotificationInput } from '../../src/shared/jobs';
import { createActiveListing } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv } from '../support/harness';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

/** Notification jobs the outbox holds for a listing (what the relay would enqueue). */
async function queuedNotices(listingId: string): Promise<NotificationInput[]> {
  const rows = await env.deps.db.selectFrom('outbox').select('payload').execute();
  return rows
    .map((r) => r.payload as unknown as { kind: string; name?: string; data: NotificationInput })
    .filter(
      (m) => m.kind === 'job' && m.name === 'notification.send' && m.data.type === 'ending_soon' && m.data.data.listingId === listingId,
    )
    .map((m) => m.data);
}

it('pushes once to each watcher and bidder, not to the seller', async () => {
  const [seller, watcher, bidder, both] = await Promise.all([0, 1, 2, 3].map(() => createUser(env.deps)));
  const listing = await createActiveListing(env.deps, seller.id, { endsInMs: 15 * 60_000 });
  await env.deps.db
    .insertInto('watches')
    .values([watcher, both, seller].map((u) => ({ userId: u.id, listingId: listing.id })))
    .execute();
  await env.deps.db
    .insertInto('listingBidders')
    .values([bidder, both].map((u, i) => ({ listingId: listing.id, bidderId: u.id, alias: `b***${i + 1}`, lastBidAt: new Date() })))
    .execute();

  expect(await pushEndingSoon(env.deps, listing.id)).toBe(3);
  const notices = await queuedNotices(listing.id);
  expect(notices.map((n) => n.userId).sort()).toEqual([watcher.id, bidder.id, both.id].sort());
  expect(notices[0].text).toEqual({ key: 'ending_soon', params: { listingTitle: listing.title, minutes: 15 } });

  // A redelivered job queues the same dedupe keys again: delivery still happens once per user.
  await pushEndingSoon(env.deps, listing.id);
  for (const notice of await queuedNotices(listing.id)) await sendNotification(env.deps, notice);
  const rows = await env.deps.db.selectFrom('notifications').select('userId').where('type', '=', 'ending_soon').execute();
  expect(rows.map((r) => r.userId).sort()).toEqual([watcher.id, bidder.id, both.id].sort());
});

it('does nothing for a listing that is no longer running', async () => {
  const seller = await createUser(env.deps);
  const watcher = await createUser(env.deps);
  const listing = await createActiveListing(env.deps, seller.id, { status: 'ended_unsold' });
  await env.deps.db.insertInto('watches').values({ userId: watcher.id, listingId: listing.id }).execute();
  expect(await pushEndingSoon(env.deps, listing.id)).toBe(0);
  expect(await queuedNotices(listing.id)).toEqual([]);
});

it('is scheduled 15 minutes before the end, only for auctions longer than that', () => {
  const startsAt = new Date('2026-12-01T12:00:00Z');
  const long = jobsForPublishedListing({ id: 'l1', status: 'active', startsAt, endsAt: new Date('2026-12-01T13:00:00Z') });
  const push = long.find((j) => j.name === 'auction.ending_soon_push');
  expect(push?.runAt).toBe(Date.parse('2026-12-01T12:45:00Z'));
  const short = jobsForPublishedListing({ id: 'l2', status: 'active', startsAt, endsAt: new Date('2026-12-01T12:10:00Z') });
  expect(short.some((j) => j.name === 'auction.ending_soon_push')).toBe(false);
});
