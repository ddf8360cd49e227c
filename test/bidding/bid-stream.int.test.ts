/**
 * The per-listing bid stream (issue #14): an intake appends its command to the listing's stream and
 * enqueues a `bid.drain` job only when no drain is claimed; the drain decides the stream in stamp
 * order, in batches. Outcomes must be those of deciding the commands one at a time in stamp order
 * (the reference model), whatever the batching, a drain that fails midway, or two listings at once.
 */
import { sql } from 'kysely';
import type { Listing } from '../../db/schema';
import type { Deps } from '../../src/composition';
import { INTAKE_GRACE_MS } from '../../src/modules/bidding/bids-in-flight';
import { closeAuction } from '../../src/modules/auctions/close-auction';
import { decidedCommands, engineConfigOf, replayThroughModel, termsOf, bidRowAudit } from '../support/bid-replay';
import { createActiveListing, eventually, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, RELAXED_LIMITS, type TestEnv, type TestUser } from '../support/harness';
import type { RunningWorkers } from '../../workers/workers';

let env: TestEnv;
let seller: TestUser;
let bidders: TestUser[];
beforeAll(async () => {
  // No soft close: the close test's bid, received in the last minute, must not move the end.
  env = await createTestEnv({ ...RELAXED_LIMITS, BID_WAIT_MS: '500', SOFT_CLOSE_WINDOW_SEC: '0' });
  seller = await createUser(env.deps);
  bidders = await Promise.all(Array.from({ length: 20 }, (_, i) => createUser(env.deps, { displayName: `Bidder ${i}` })));
});
afterAll(() => env.close());

const keys = (listingId: string) => ({
  stream: `${env.config.redisPrefix}:bid-stream:${listingId}`,
  flag: `${env.config.redisPrefix}:bid-drain:${listingId}`,
  marks: `${env.config.redisPrefix}:bids-in-flight:${listingId}`,
});

const post = (user: TestUser, listingId: string, maxAmountCents: number) =>
  env.http.post(`/v1/listings/${listingId}/bids`).set(user.auth).send({ maxAmountCents });

/** 100 bids from 20 bidders with maxima around a rising ladder, all sent at once. */
async function burst(listingId: string, count = 100, base = 1000) {
  return Promise.all(Array.from({ length: count }, (_, i) => post(bidders[i % bidders.length], listingId, base + 37 * ((i * 7) % count))));
}

async function drainJobsOf(listingId: string) {
  const jobs = await env.deps.queues.bids.getJobs(['completed', 'failed', 'active', 'wait', 'delayed', 'prioritized']);
  return jobs.filter((j) => j.name === 'bid.drain' && (j.data as { listingId: string }).listingId === listingId);
}

/** Every command decided once, in stamp order, exactly as the reference model decides them one by one. */
async function expectDecidedInStampOrder(listing: Listing, count: number) {
  const stored = await eventually(async () => {
    const rows = await decidedCommands(env.deps, listing.id);
    return rows.length >= count ? rows : undefined;
  }, 20_000);
  expect(stored).toHaveLength(count);
  const stamps = stored.map((c) => c.receivedAt);
  expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
  const { mismatches } = replayThroughModel(termsOf(listing), engineConfigOf(env.deps), stored);
  expect(mismatches).toEqual([]);
  expect(await bidRowAudit(env.deps, listing.id)).toEqual({ wrongCount: [], outOfOrder: 0, orphanOwnRows: 0, commands: count });
  // Nothing left behind: no command in the stream, no mark, no drain claim.
  const k = keys(listing.id);
  await eventually(async () => (await env.deps.redis.exists(k.stream, k.flag, k.marks)) === 0, 5000);
  return stored;
}

describe('bid stream', () => {
  let workers: RunningWorkers | undefined;
  let workerDeps: Deps;
  beforeEach(async () => {
    workerDeps = await env.sibling();
  });
  afterEach(async () => {
    await workers?.stop();
    workers = undefined;
  });

  it('drains a burst received while no worker runs with ONE drain job, in stamp order', async () => {
    const listing = (await createActiveListing(env.deps, seller.id, { startingPriceCents: 1000 })) as Listing;
    const answers = await burst(listing.id);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));
    expect(await env.deps.redis.xlen(keys(listing.id).stream)).toBe(100);
    workers = await withWorkers(workerDeps);
    await expectDecidedInStampOrder(listing, 100);
    const drains = await drainJobsOf(listing.id);
    expect(drains).toHaveLength(1);
    expect(drains[0].returnvalue).toEqual({ decided: 100 });
  }, 30_000);

  it('decides 100 concurrent bids with live workers in far fewer drain jobs than bids, as the model says', async () => {
    workers = await withWorkers(workerDeps);
    const listing = (await createActiveListing(env.deps, seller.id, { startingPriceCents: 1000 })) as Listing;
    const answers = await burst(listing.id);
    expect(answers.filter((a) => ![201, 202, 409].includes(a.status))).toEqual([]);
    const stored = await expectDecidedInStampOrder(listing, 100);
    const drains = await drainJobsOf(listing.id);
    const decided = drains.reduce((n, j) => n + (j.returnvalue as { decided: number }).decided, 0);
    process.stderr.write(`[bid-stream] 100 concurrent bids → ${drains.length} drain jobs\n`);
    expect(drains.length).toBeLessThan(50);
    expect(decided).toBe(100);
    // A decided answer (201/409) is the stored outcome.
    const byBidderMax = new Map(stored.map((c) => [`${c.bidderId}:${c.maxAmountCents}`, c]));
    for (const [i, a] of answers.entries()) {
      if (a.status === 202) continue;
      const c = byBidderMax.get(`${bidders[i % bidders.length].id}:${1000 + 37 * ((i * 7) % 100)}`)!;
      expect(a.status === 201).toBe(c.accepted);
    }
  }, 30_000);

  it('loses nothing and decides nothing twice when a drain fails after its commit (re-run by BullMQ)', async () => {
    // The first removal of decided commands from the stream fails, as if the worker died right after
    // its commit: the job is retried, reads the same commands again, and they answer their stored outcome.
    const remove = workerDeps.bidsInFlight.remove.bind(workerDeps.bidsInFlight);
    let failures = 1;
    workerDeps.bidsInFlight.remove = async (listingId, entryIds) => {
      if (failures-- > 0) throw new Error('worker died between commit and XDEL');
      return remove(listingId, entryIds);
    };
    const listing = (await createActiveListing(env.deps, seller.id, { startingPriceCents: 1000 })) as Listing;
    const answers = await burst(listing.id, 40);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));
    workers = await withWorkers(workerDeps);
    await expectDecidedInStampOrder(listing, 40);
    expect(failures).toBeLessThan(0);
    const [drain] = await drainJobsOf(listing.id);
    expect(drain.attemptsMade).toBeGreaterThanOrEqual(1);
    expect(await drain.getState()).toBe('completed');
    const events = await env.deps.db
      .selectFrom('listingEvents')
      .select('seq')
      .where('listingId', '=', listing.id)
      .where('type', '=', 'bid_placed')
      .execute();
    const accepted = (await decidedCommands(env.deps, listing.id)).filter((c) => c.accepted).length;
    expect(events).toHaveLength(accepted);
  }, 30_000);

  it('drains two listings concurrently (one blocked does not hold up the other), each in stamp order', async () => {
    const a = (await createActiveListing(env.deps, seller.id, { startingPriceCents: 1000 })) as Listing;
    const b = (await createActiveListing(env.deps, seller.id, { startingPriceCents: 1000 })) as Listing;
    const answers = await Promise.all([burst(a.id, 50), burst(b.id, 50, 2000)]);
    expect(answers.flat().every((r) => r.status === 202)).toBe(true);
    // Listing A's row is held by another transaction: its drain waits on the lock, B's proceeds.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    const holder = env.deps.db.transaction().execute(async (trx) => {
      await sql`select 1 from listings where id = ${a.id} for update`.execute(trx);
      locked();
      await released;
    });
    await lockTaken;
    workers = await withWorkers(workerDeps);
    try {
      await expectDecidedInStampOrder(b, 50);
      expect(await decidedCommands(env.deps, a.id)).toEqual([]);
      expect((await drainJobsOf(a.id))[0].processedOn).toBeDefined(); // A's drain is running, blocked on the lock
    } finally {
      release();
      await holder;
    }
    await expectDecidedInStampOrder(a, 50);
  }, 30_000);

  it('hands a drain that ran past its time slice over to a new drain job, losing nothing', async () => {
    const listing = (await createActiveListing(env.deps, seller.id, { startingPriceCents: 1000 })) as Listing;
    expect((await post(bidders[0], listing.id, 1000)).status).toBe(202);
    // The drain's first round waits on the row lock for longer than its slice; bids pile up meanwhile.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    const holder = env.deps.db.transaction().execute(async (trx) => {
      await sql`select 1 from listings where id = ${listing.id} for update`.execute(trx);
      locked();
      await released;
    });
    await lockTaken;
    workers = await withWorkers(workerDeps);
    await eventually(async () => (await drainJobsOf(listing.id))[0]?.processedOn);
    const answers = await burst(listing.id, 30, 1100);
    await new Promise((r) => setTimeout(r, 2200 - 500));
    release();
    await holder;
    expect(answers.every((a) => a.status === 202)).toBe(true);
    await expectDecidedInStampOrder(listing, 31);
    const drains = await eventually(async () => {
      const jobs = await drainJobsOf(listing.id);
      return jobs.every((j) => j.finishedOn) ? jobs : undefined;
    });
    const byGeneration = drains.sort(
      (a, b) => (a.data as { generation: number }).generation - (b.data as { generation: number }).generation,
    );
    expect(byGeneration.length).toBeGreaterThanOrEqual(2);
    expect(byGeneration[0].returnvalue).toEqual({ decided: 1 });
  }, 30_000);

  it('leaves no drain claim behind when the drain job cannot be enqueued; a later bid still drains', async () => {
    workers = await withWorkers(workerDeps);
    const listing = (await createActiveListing(env.deps, seller.id, { startingPriceCents: 1000 })) as Listing;
    const add = env.deps.queues.bids.add.bind(env.deps.queues.bids);
    env.deps.queues.bids.add = () => Promise.reject(new Error('Redis refused the job'));
    try {
      const failed = await post(bidders[0], listing.id, 1500);
      expect(failed.status).toBeGreaterThanOrEqual(500);
    } finally {
      env.deps.queues.bids.add = add;
    }
    const k = keys(listing.id);
    expect(await env.deps.redis.exists(k.flag)).toBe(0);
    expect(await env.deps.redis.xlen(k.stream)).toBe(0);
    expect(await env.deps.redis.zcard(k.marks)).toBe(0);
    const later = await post(bidders[1], listing.id, 1200);
    expect(later.status).toBe(201);
    await expectDecidedInStampOrder(listing, 1);
  }, 30_000);

  it('the close re-drains commands whose drain claim lapsed with no job, and counts them as in time', async () => {
    const listing = (await createActiveListing(env.deps, seller.id, {
      startingPriceCents: 1000,
      endsInMs: 300,
      startsAt: new Date(Date.now() - 3_600_000),
    })) as Listing;
    // A command received (and marked) well before the end whose drain job is gone: e.g. it gave up
    // after its retries, or its intake died after its script; its claim has lapsed since.
    const receivedAt = Date.now() - INTAKE_GRACE_MS - 5000;
    const requestId = 'r-lapsed-claim';
    await env.deps.redis.zadd(keys(listing.id).marks, receivedAt, requestId);
    await env.deps.bidsInFlight.append({ requestId, listingId: listing.id, bidderId: bidders[2].id, maxAmountCents: 1300, receivedAt });
    await env.deps.redis.del(keys(listing.id).flag);
    workers = await withWorkers(workerDeps);
    // The listing's own close job, which the workers just started may run first, closes it the same
    // way: this call then finds it closed ('not_active'). Either way the lapsed command counts.
    expect(['closed', 'not_active']).toContain(await closeAuction(env.deps, listing.id));
    const final = await env.deps.db
      .selectFrom('listings')
      .select(['status', 'winnerId'])
      .where('id', '=', listing.id)
      .executeTakeFirstOrThrow();
    expect(final).toEqual({ status: 'ended_sold', winnerId: bidders[2].id });
    expect(await drainJobsOf(listing.id)).toHaveLength(1);
  }, 30_000);

  it('a drain that ran dry waits for the next bid: bids a moment apart are decided by ONE drain job, then its claim is dropped', async () => {
    workers = await withWorkers(workerDeps);
    const listing = (await createActiveListing(env.deps, seller.id, { startingPriceCents: 1000 })) as Listing;
    const k = keys(listing.id);
    for (const [i, bidder] of bidders.slice(0, 4).entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, 150));
      // Each one decided while the caller waits (201), with the drain's claim still held from the last.
      expect((await post(bidder, listing.id, 1000 + 100 * i)).status).toBe(201);
      expect(await env.deps.redis.exists(k.flag)).toBe(1);
    }
    const drains = await drainJobsOf(listing.id);
    expect(drains).toHaveLength(1);
    // BID_DRAIN_LINGER_MS (1 s by default) after the last bid, the drain ends and drops its claim.
    await expectDecidedInStampOrder(listing, 4);
    const [done] = await eventually(async () => {
      const jobs = await drainJobsOf(listing.id);
      return jobs[0]?.finishedOn ? jobs : undefined;
    });
    expect(done.returnvalue).toEqual({ decided: 4 });
    // The next bid claims a new drain.
    expect((await post(bidders[5], listing.id, 2000)).status).toBe(201);
    expect(await drainJobsOf(listing.id)).toHaveLength(2);
  }, 30_000);

  it('a waiting drain stops waiting when the workers stop; a bid after that still gets a drain', async () => {
    workers = await withWorkers(workerDeps);
    const listing = (await createActiveListing(env.deps, seller.id, { startingPriceCents: 1000 })) as Listing;
    expect((await post(bidders[0], listing.id, 1000)).status).toBe(201);
    const stopping = performance.now();
    await workers.stop();
    workers = undefined;
    // Well under the 1 s linger: stop() does not wait it out.
    expect(performance.now() - stopping).toBeLessThan(900);
    expect(await env.deps.redis.exists(keys(listing.id).flag)).toBe(0);
    expect((await post(bidders[1], listing.id, 1200)).status).toBe(202);
    workers = await withWorkers(await env.sibling());
    await expectDecidedInStampOrder(listing, 2);
  }, 30_000);
});
