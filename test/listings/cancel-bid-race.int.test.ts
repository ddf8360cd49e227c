/**
 * A bid is received in two steps: the api stamps it in Redis (answering 202 when the worker is
 * slow) and the bids worker decides it moments later. A seller's cancel landing between the two
 * must not discard the bid: the buyer bid first, so the listing has a bid.
 */
import { Client } from 'pg';
import type { RunningWorkers } from '../../workers/workers';
import { decidedCommands } from '../support/bid-replay';
import { eventually, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, RELAXED_LIMITS, type TestEnv, type TestUser } from '../support/harness';
import { waitForLockWaiter } from '../support/lock-waiter';
import { createPublished, listingEnv } from './support';

let env: TestEnv;
let seller: TestUser;
let buyer: TestUser;
let workers: RunningWorkers | undefined;
beforeAll(async () => {
  env = await createTestEnv(listingEnv({ ...RELAXED_LIMITS, BID_WAIT_MS: '200' }));
  seller = await createUser(env.deps);
  buyer = await createUser(env.deps);
});
afterEach(async () => {
  await workers?.stop();
  workers = undefined;
});
afterAll(() => env.close());

const bid = (listingId: string, maxAmountCents: number, key: string) =>
  env.http.post(`/v1/listings/${listingId}/bids`).set(buyer.auth).set('Idempotency-Key', key).send({ maxAmountCents });
const cancel = (listingId: string) => env.http.delete(`/v1/listings/${listingId}`).set(seller.auth);
const listingRow = (id: string) =>
  env.deps.db.selectFrom('listings').select(['status', 'bidCount']).where('id', '=', id).executeTakeFirstOrThrow();

/** Starts the workers and waits until the listing's one bid command is decided. */
async function decideInFlight(listingId: string) {
  workers = await withWorkers(await env.sibling());
  const [decided] = await eventually(async () => {
    const rows = await decidedCommands(env.deps, listingId);
    return rows.length ? rows : undefined;
  }, 10_000);
  return decided;
}

describe('cancelling while a bid is in flight', () => {
  it('refuses the cancel (409 listing_has_bids) while a bid received before it is undecided; the bid then stands', async () => {
    const listing = await createPublished(env, seller, { reservePriceCents: null });
    // No worker runs: the bid is stamped and queued, answered 202, and stays undecided.
    const placed = await bid(listing.id, 6000, 'race-before');
    expect(placed.status).toBe(202);

    const refused = await cancel(listing.id);
    const decided = await decideInFlight(listing.id);
    const refusal = decided.result.ok ? undefined : decided.result.error.code;
    expect([refused.status, refused.body.code, decided.accepted, refusal]).toEqual([409, 'listing_has_bids', true, undefined]);
    expect(await listingRow(listing.id)).toEqual({ status: 'active', bidCount: 1 });
    // The buyer asking again (same key) is told the bid was accepted.
    const again = await bid(listing.id, 6000, 'race-before');
    expect([again.status, again.body.bid?.amountCents]).toEqual([201, 5000]);
    expect([(await cancel(listing.id)).status, (await listingRow(listing.id)).status]).toEqual([409, 'active']);
  }, 30_000);

  it('a bid stamped after the cancel read the bids in flight, while it waits for the row lock, is refused: the listing is cancelled', async () => {
    const listing = await createPublished(env, seller, { reservePriceCents: null });
    // Hold the listing's row lock so the cancel is parked after its Redis read, before its decision.
    const holder = new Client({ connectionString: env.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM listings WHERE id = $1 FOR UPDATE', [listing.id]);
      const cancelling = cancel(listing.id).then((res) => res);
      await waitForLockWaiter(holder);
      expect((await bid(listing.id, 6000, 'race-after')).status).toBe(202);
      await holder.query('COMMIT');
      expect((await cancelling).status).toBe(204);
    } finally {
      await holder.end();
    }

    const decided = await decideInFlight(listing.id);
    expect([decided.accepted, decided.result.ok ? undefined : decided.result.error.code]).toEqual([false, 'auction_not_active']);
    expect(await listingRow(listing.id)).toEqual({ status: 'cancelled', bidCount: 0 });
    // The buyer asking again (same key) gets a clear refusal.
    const again = await bid(listing.id, 6000, 'race-after');
    expect([again.status, again.body.code]).toEqual([409, 'auction_not_active']);
  }, 30_000);

  it('is not blocked by an abandoned mark (no command behind it, older than the intake grace)', async () => {
    const listing = await createPublished(env, seller, { reservePriceCents: null });
    const marks = `${env.config.redisPrefix}:bids-in-flight:${listing.id}`;
    await env.deps.redis.zadd(marks, Date.now() - 60_000, 'r-abandoned');
    expect((await cancel(listing.id)).status).toBe(204);
    expect(await listingRow(listing.id)).toEqual({ status: 'cancelled', bidCount: 0 });
  });
});
