/**
 * Deadline fairness without a time limit (SPEC §2, issue #10 item 4): a bid received before the end
 * is decided as in time however long the workers were down. The outage is simulated by a receipt
 * stamp ten minutes old (longer than any fixed "stop waiting" window) whose job sits in the bids
 * queue with no worker running; the close must keep waiting until the workers return and decide it.
 */
import { closeAuction } from '../../src/modules/auctions/close-auction';
import { bidRequestId } from '../../src/modules/bidding/submit-bid';
import { INTAKE_GRACE_MS } from '../../src/modules/bidding/bids-in-flight';
import { enqueueDrain } from '../../src/modules/bidding/bid-drain';
import { createActiveListing, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv } from '../support/harness';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const OUTAGE_MS = 10 * 60_000;
const markKey = (listingId: string) => `${env.deps.config.redisPrefix}:bids-in-flight:${listingId}`;
const statusOf = async (listingId: string) =>
  (await env.deps.db.selectFrom('listings').select(['status', 'leaderId', 'currentPriceCents']).where('id', '=', listingId).executeTakeFirstOrThrow());

it('decides a bid received before the end as in time after a ten-minute worker outage', async () => {
  const seller = await createUser(env.deps);
  const bidder = await createUser(env.deps);
  const listing = await createActiveListing(env.deps, seller.id, { endsInMs: 300, startsAt: new Date(Date.now() - 3_600_000) });
  // Received (stamped) ten minutes ago, queued, and never picked up: every worker was down since.
  const receivedAt = Date.now() - OUTAGE_MS;
  const requestId = bidRequestId(bidder.id, 'outage-bid');
  await env.deps.redis.zadd(markKey(listing.id), receivedAt, requestId);
  const generation = await env.deps.bidsInFlight.append({ requestId, listingId: listing.id, bidderId: bidder.id, maxAmountCents: 900, receivedAt });
  expect(generation).toBeGreaterThan(0);
  await enqueueDrain(env.deps.queues, listing.id, generation);

  // The close job runs first once the end has passed: it must not finalize over the queued bid,
  // even across its checks for abandoned marks (the mark is far older than the intake grace).
  const closing = closeAuction(env.deps, listing.id);
  await new Promise((r) => setTimeout(r, 1500));
  expect((await statusOf(listing.id)).status).toBe('active');

  // The workers come back and decide the queued bid: in time, so it leads; then the close finishes.
  // The returning workers' own sweep may finalize it first ('not_active' here): either way only after
  // the bid was decided, which the checks below prove.
  const workers = await withWorkers(env.deps);
  try {
    await expect(closing).resolves.toMatch(/^(closed|not_active)$/);
  } finally {
    await workers.stop();
  }
  const stored = await env.deps.db.selectFrom('bidRequests').select(['accepted', 'result']).where('requestId', '=', requestId).executeTakeFirstOrThrow();
  expect(stored.accepted).toBe(true);
  const after = await statusOf(listing.id);
  expect(after.leaderId).toBe(bidder.id);
  expect(after.status).not.toBe('active');
});

it('stops waiting for an old mark that no job will ever decide (intake died before enqueueing)', async () => {
  const seller = await createUser(env.deps);
  const listing = await createActiveListing(env.deps, seller.id, { endsInMs: 300 });
  await env.deps.redis.zadd(markKey(listing.id), Date.now() - INTAKE_GRACE_MS - 1000, 'r-intake-died');

  const started = Date.now();
  await expect(closeAuction(env.deps, listing.id)).resolves.toBe('closed');
  expect(Date.now() - started).toBeLessThan(3000);
  expect(await env.deps.bidsInFlight.undecidedBefore(listing.id, Date.now())).toEqual([]);
});

it('keeps waiting for a recent mark without a job yet (an intake between its script and its enqueue)', async () => {
  const seller = await createUser(env.deps);
  const bidder = await createUser(env.deps);
  const listing = await createActiveListing(env.deps, seller.id, { endsInMs: 200 });
  await env.deps.bidsInFlight.receive({ requestId: 'r-being-enqueued', listingId: listing.id, bidderId: bidder.id, maxAmountCents: 900 });
  const closing = closeAuction(env.deps, listing.id);
  await new Promise((r) => setTimeout(r, 1000));
  expect((await statusOf(listing.id)).status).toBe('active');
  await env.deps.bidsInFlight.settle(listing.id, ['r-being-enqueued']);
  await expect(closing).resolves.toBe('closed');
});
