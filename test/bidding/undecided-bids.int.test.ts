/**
 * A 202 promises a decision (issue #10, Redis FLUSHALL while bidding): the api keeps a durable copy
 * of every command it answers 202, and the `bid.sweep` puts back, with its original receipt stamp, a
 * command Redis lost — decided once, in time when the close has not run yet.
 */
import { sql } from 'kysely';
import type { Listing } from '../../db/schema';
import { closeAuction } from '../../src/modules/auctions/close-auction';
import { redriveUndecided } from '../../src/modules/bidding';
import type { RunningWorkers } from '../../workers/workers';
import { decidedCommands } from '../support/bid-replay';
import { createActiveListing, eventually, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, RELAXED_LIMITS, type TestEnv, type TestUser } from '../support/harness';

let env: TestEnv;
let seller: TestUser;
let alice: TestUser;
let workers: RunningWorkers | undefined;
beforeAll(async () => {
  env = await createTestEnv({ ...RELAXED_LIMITS, BID_WAIT_MS: '300', SOFT_CLOSE_WINDOW_SEC: '0' });
  seller = await createUser(env.deps);
  alice = await createUser(env.deps, { displayName: 'Alice' });
});
afterEach(async () => {
  await workers?.stop();
  workers = undefined;
});
afterAll(() => env.close());

const post = (user: TestUser, listingId: string, maxAmountCents: number) =>
  env.http.post(`/v1/listings/${listingId}/bids`).set(user.auth).send({ maxAmountCents });

/** What a FLUSHALL takes from one listing: its stream, drain claim and marks, and the queued drain jobs. */
async function loseRedisState(listingId: string): Promise<void> {
  const prefix = env.config.redisPrefix;
  await env.deps.redis.del(`${prefix}:bid-stream:${listingId}`, `${prefix}:bid-drain:${listingId}`, `${prefix}:bids-in-flight:${listingId}`);
  await env.deps.queues.bids.obliterate({ force: true });
}

/** Ages the durable copies past the sweep's patience (instead of sleeping REDRIVE_AFTER_MS). */
const ageUndecided = () => sql`UPDATE undecided_bids SET created_at = now() - interval '1 minute'`.execute(env.deps.db);

const undecidedRows = () => env.deps.db.selectFrom('undecidedBids').selectAll().execute();

describe('bids answered 202', () => {
  it('are kept durably with their receipt stamp; one Redis lost is put back and decided once, then forgotten', async () => {
    const listing = (await createActiveListing(env.deps, seller.id, { startingPriceCents: 1000 })) as Listing;
    const answer = await post(alice, listing.id, 1500); // no worker runs: not decided within the wait
    expect(answer.status).toBe(202);
    const [copy] = await undecidedRows();
    expect(copy).toMatchObject({ requestId: answer.body.requestId, listingId: listing.id, bidderId: alice.id, maxAmountCents: 1500 });
    const stamp = Number(await env.deps.redis.zscore(`${env.config.redisPrefix}:bids-in-flight:${listing.id}`, copy.requestId));
    expect(copy.receivedAt.getTime()).toBe(stamp);

    await loseRedisState(listing.id);
    await ageUndecided();
    expect(await redriveUndecided(env.deps)).toEqual({ forgotten: 0, restored: 1 });
    // Already back in the stream: a second sweep does not put it back twice.
    expect(await redriveUndecided(env.deps)).toEqual({ forgotten: 0, restored: 0 });

    workers = await withWorkers(await env.sibling());
    const [decided] = await eventually(async () => {
      const rows = await decidedCommands(env.deps, listing.id);
      return rows.length ? rows : undefined;
    }, 10_000);
    expect(decided).toMatchObject({ requestId: copy.requestId, accepted: true, receivedAt: stamp });
    // The workers' own bid.sweep (it runs at their start, then every 5 s) may forget it first:
    // either way the decided copy is forgotten, never put back.
    expect((await redriveUndecided(env.deps)).restored).toBe(0);
    expect(await undecidedRows()).toEqual([]);
    expect(await decidedCommands(env.deps, listing.id)).toHaveLength(1);
  }, 30_000);

  it('a command Redis lost before the end is decided as in time: the close waits for the restored mark', async () => {
    const listing = (await createActiveListing(env.deps, seller.id, {
      startingPriceCents: 1000,
      endsInMs: 1500,
      startsAt: new Date(Date.now() - 3_600_000),
    })) as Listing;
    const answer = await post(alice, listing.id, 1200);
    expect(answer.status).toBe(202);
    await loseRedisState(listing.id);
    await ageUndecided();
    await new Promise((r) => setTimeout(r, 1600)); // past the end: the listing would close unsold without the bid
    expect(await redriveUndecided(env.deps)).toEqual({ forgotten: 0, restored: 1 });
    workers = await withWorkers(await env.sibling());
    await expect(closeAuction(env.deps, listing.id)).resolves.toBe('closed');
    const final = await env.deps.db.selectFrom('listings').select(['status', 'winnerId']).where('id', '=', listing.id).executeTakeFirstOrThrow();
    expect(final).toEqual({ status: 'ended_sold', winnerId: alice.id });
  }, 30_000);

  it('a command merely waiting for a worker is left alone (not put back twice)', async () => {
    const listing = (await createActiveListing(env.deps, seller.id, { startingPriceCents: 1000 })) as Listing;
    expect((await post(alice, listing.id, 1100)).status).toBe(202);
    await ageUndecided();
    expect(await redriveUndecided(env.deps)).toMatchObject({ restored: 0 });
    expect(await env.deps.redis.xlen(`${env.config.redisPrefix}:bid-stream:${listing.id}`)).toBe(1);
  });
});
