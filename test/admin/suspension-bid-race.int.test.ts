/**
 * An admin suspension against a bid batch of the same bidder (SPEC §2: suspended users cannot bid or buy).
 * Once POST /v1/admin/users/:id/suspend has answered, no bid of that user may be accepted: a bid in
 * flight either commits before the suspension, or is refused. The suspension locks the account row
 * (FOR UPDATE) before it writes, as an account deletion does; the worker's batch reads the bidder's
 * state under a KEY SHARE lock of that row. Whichever locks the row first, the other sees its outcome.
 * A buy-now locks the buyer's row the same way (KEY SHARE), so the same order holds for it.
 * Each interleaving is forced as in test/accounts/deletion-bid-race.int.test.ts: a third transaction
 * holds a table lock that parks one side at a known point, and the test waits until PostgreSQL
 * reports the other side waiting on it (pg_blocking_pids), with no timing guesses.
 */
import type { Deps } from '../../src/composition';
import { decideBids } from '../../src/modules/bidding/decide-bids';
import { createActiveListing } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { LockWatch } from '../support/lock-waiter';

let env: TestEnv;
let worker: Deps;
let locks: LockWatch;
let staff: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  // The worker's own pool, as the bid.drain job has in its process.
  worker = await env.sibling();
  locks = await LockWatch.open(env.databaseUrl);
  staff = await createUser(env.deps, { role: 'admin', displayName: 'Ada Admin' });
});
afterAll(async () => {
  await locks.close();
  await env.close();
});

/** Starts POST /v1/admin/users/:id/suspend now (a supertest request only leaves when awaited). */
function startSuspension(user: TestUser) {
  let settled = false;
  const answer = env.http
    .post(`/v1/admin/users/${user.id}/suspend`)
    .set(staff.auth)
    .send({ reason: 'Shill bidding' })
    .then((res) => {
      settled = true;
      return res;
    });
  return { answer, settled: () => settled };
}

/** Starts a batch deciding `command` now, reporting when it has settled. */
function startBatch(listingId: string, command: Parameters<typeof decideBids>[2][number]) {
  let settled = false;
  const decided = decideBids(worker, listingId, [command]).finally(() => {
    settled = true;
  });
  return { decided, settled: () => settled };
}

async function setting(sellerName: string) {
  const [seller, bidder] = await Promise.all([createUser(env.deps, { displayName: sellerName }), createUser(env.deps)]);
  const listing = await createActiveListing(env.deps, seller.id, { startingPriceCents: 1_000 });
  const command = {
    requestId: `r-suspension-race-${listing.id}`,
    listingId: listing.id,
    bidderId: bidder.id,
    maxAmountCents: 2_000,
    receivedAt: Date.now(),
  };
  return { bidder, listing, command };
}

/** The end state: the bidder's suspension, the listing's leader and the bids stored on it. */
async function finalState(bidderId: string, listingId: string) {
  const [account, row, bids] = await Promise.all([
    env.deps.db.selectFrom('users').select('suspendedAt').where('id', '=', bidderId).executeTakeFirstOrThrow(),
    env.deps.db.selectFrom('listings').select(['leaderId', 'bidCount']).where('id', '=', listingId).executeTakeFirstOrThrow(),
    env.deps.db.selectFrom('bids').select('bidderId').where('listingId', '=', listingId).execute(),
  ]);
  return { suspended: account.suspendedAt !== null, leaderId: row.leaderId, bidCount: row.bidCount, bids: bids.length };
}

describe('POST /v1/admin/users/:id/suspend racing a bid batch of the same bidder', () => {
  it('the suspension locks the account first: the batch waits for it, then refuses the bid (bidder_not_allowed)', async () => {
    const { bidder, listing, command } = await setting('Sam');
    // Parks the suspension after it locked and updated the account: its next statement writes the
    // audit entry.
    const gate = await locks.holdTableLock('LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE');
    let suspension: ReturnType<typeof startSuspension> | undefined;
    let batch: ReturnType<typeof startBatch> | undefined;
    try {
      suspension = startSuspension(bidder);
      const suspensionPid = (await locks.waiterOf(gate.pid))!;

      // The batch reads the account as not suspended (the suspension has not committed) and must not
      // be decided before the suspension ends: it waits on the account row the suspension holds.
      batch = startBatch(listing.id, command);
      const waiting = await locks.waiterOf(suspensionPid, batch.settled);
      expect({ batchDecidedWhileSuspensionOpen: waiting === undefined }).toEqual({ batchDecidedWhileSuspensionOpen: false });

      await gate.release();
      expect((await suspension.answer).status).toBe(200);
      const [decided] = await batch.decided;
      expect(decided.result).toMatchObject({ ok: false, error: { status: 403, code: 'bidder_not_allowed' } });
    } finally {
      await gate.release().catch(() => undefined);
      await suspension?.answer.catch(() => undefined);
      await batch?.decided.catch(() => undefined);
    }
    expect(await finalState(bidder.id, listing.id)).toEqual({ suspended: true, leaderId: null, bidCount: 0, bids: 0 });
    const stored = await env.deps.db
      .selectFrom('bidRequests')
      .select(['accepted'])
      .where('requestId', '=', command.requestId)
      .executeTakeFirstOrThrow();
    expect(stored.accepted).toBe(false);
  });

  it('the batch locks the account first: the suspension answers only after the bid committed', async () => {
    const { bidder, listing, command } = await setting('Sue');
    // Parks the batch after its read, before its write statement (which inserts the listing's events).
    const gate = await locks.holdTableLock('LOCK TABLE listing_events IN SHARE MODE');
    let batch: ReturnType<typeof startBatch> | undefined;
    let suspension: ReturnType<typeof startSuspension> | undefined;
    try {
      batch = startBatch(listing.id, command);
      const batchPid = (await locks.waiterOf(gate.pid))!;

      // The suspension must wait for the batch (it read the account as not suspended and is about to
      // bid) rather than answer while a bid of the user can still be accepted.
      suspension = startSuspension(bidder);
      const waiting = await locks.waiterOf(batchPid, suspension.settled);
      const early = waiting === undefined ? await suspension.answer : undefined;
      expect({ suspensionAnsweredBeforeBatchCommitted: early?.status }).toEqual({ suspensionAnsweredBeforeBatchCommitted: undefined });

      await gate.release();
      const [decided] = await batch.decided;
      expect(decided.result.ok).toBe(true);
      expect((await suspension.answer).status).toBe(200);
    } finally {
      await gate.release().catch(() => undefined);
      await batch?.decided.catch(() => undefined);
      await suspension?.answer.catch(() => undefined);
    }
    // The bid came first: it stands (what becomes of a suspended leader is not this test's matter).
    expect(await finalState(bidder.id, listing.id)).toEqual({ suspended: true, leaderId: bidder.id, bidCount: 1, bids: 1 });
  });
});

describe('POST /v1/admin/users/:id/suspend racing a buy-now of the same user', () => {
  it('the buy-now locks the account first: the suspension answers only after the sale committed', async () => {
    const [seller, buyer] = await Promise.all([createUser(env.deps, { displayName: 'Cleo' }), createUser(env.deps)]);
    const listing = await createActiveListing(env.deps, seller.id, {
      auctionType: 'fixed',
      startingPriceCents: 3_000,
      buyNowPriceCents: 3_000,
    });
    // Parks the buy-now after it locked both account rows (KEY SHARE), before the listing's row lock.
    const gate = await locks.holdTableLock('LOCK TABLE listings IN EXCLUSIVE MODE');
    let bought: Promise<{ status: number }> | undefined;
    let suspension: ReturnType<typeof startSuspension> | undefined;
    try {
      bought = env.http
        .post(`/v1/listings/${listing.id}/buy-now`)
        .set(buyer.auth)
        .send()
        .then((res) => res);
      const buyerPid = (await locks.waiterOf(gate.pid))!;

      suspension = startSuspension(buyer);
      const waiting = await locks.waiterOf(buyerPid, suspension.settled);
      const early = waiting === undefined ? await suspension.answer : undefined;
      expect({ suspensionAnsweredBeforeSaleCommitted: early?.status }).toEqual({ suspensionAnsweredBeforeSaleCommitted: undefined });

      await gate.release();
      expect((await bought).status).toBe(201);
      expect((await suspension.answer).status).toBe(200);
    } finally {
      await gate.release().catch(() => undefined);
      await bought?.catch(() => undefined);
      await suspension?.answer.catch(() => undefined);
    }
  });
});
