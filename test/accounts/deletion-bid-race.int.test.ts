/**
 * Account deletion against a bid batch on the same bidder (SPEC §2: deleted users cannot bid; SPEC §9:
 * a deletion is refused while the account has a live bid). The deletion locks the account row and
 * then checks for a live bid; the worker's batch reads the bidder's state under the listing's lock.
 * Whichever locks the account row first, the other must see its outcome: never a deleted account
 * leading a listing. Each interleaving is forced: a third transaction holds a table lock that parks
 * one side at a known point, and the test waits until PostgreSQL reports the other side waiting on
 * it (pg_blocking_pids), with no timing guesses.
 */
import type { Deps } from '../../src/composition';
import { decideBids } from '../../src/modules/bidding/decide-bids';
import { createActiveListing } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { LockWatch } from '../support/lock-waiter';

let env: TestEnv;
let worker: Deps;
let locks: LockWatch;

beforeAll(async () => {
  env = await createTestEnv();
  // The worker's own pool, as the bid.drain job has in its process.
  worker = await env.sibling();
  locks = await LockWatch.open(env.databaseUrl);
});
afterAll(async () => {
  await locks.close();
  await env.close();
});

/** Starts DELETE /v1/users/me now (a supertest request only leaves when awaited). */
function startDeletion(user: TestUser) {
  let settled = false;
  const answer = env.http
    .delete('/v1/users/me')
    .set(user.auth)
    .then((res) => {
      settled = true;
      return res;
    });
  return { answer, settled: () => settled };
}

async function setting(sellerName: string) {
  const [seller, bidder] = await Promise.all([createUser(env.deps, { displayName: sellerName }), createUser(env.deps)]);
  const listing = await createActiveListing(env.deps, seller.id, { startingPriceCents: 1_000 });
  const command = {
    requestId: `r-deletion-race-${listing.id}`,
    listingId: listing.id,
    bidderId: bidder.id,
    maxAmountCents: 2_000,
    receivedAt: Date.now(),
  };
  return { bidder, listing, command };
}

/** The end state: the bidder's account, the listing's leader and the bids stored on it. */
async function finalState(bidderId: string, listingId: string) {
  const [account, row, bids] = await Promise.all([
    env.deps.db.selectFrom('users').select('deletedAt').where('id', '=', bidderId).executeTakeFirstOrThrow(),
    env.deps.db.selectFrom('listings').select(['leaderId', 'bidCount']).where('id', '=', listingId).executeTakeFirstOrThrow(),
    env.deps.db.selectFrom('bids').select('bidderId').where('listingId', '=', listingId).execute(),
  ]);
  return { deleted: account.deletedAt !== null, leaderId: row.leaderId, bidCount: row.bidCount, bids: bids.length };
}

describe('DELETE /v1/users/me racing a bid batch of the same bidder', () => {
  it('deletion locks the account first: the batch waits for it, then refuses the bid (bidder_not_allowed)', async () => {
    const { bidder, listing, command } = await setting('Sam');
    // Parks the deletion right after its `FOR UPDATE` on the account: its next statement
    // (the open-transaction check) reads `transactions`.
    const gate = await locks.holdTableLock('LOCK TABLE transactions IN ACCESS EXCLUSIVE MODE');
    let deletion: ReturnType<typeof startDeletion> | undefined;
    try {
      deletion = startDeletion(bidder);
      const deletionPid = (await locks.waiterOf(gate.pid))!;

      // The batch reads the account as live (the deletion has not written yet) and must not be
      // decided before the deletion ends: it waits on the account row the deletion holds.
      const batch = decideBids(worker, listing.id, [command]);
      await locks.waiterOf(deletionPid);

      // The deletion goes on: no bid is committed yet, so it deletes the account and commits.
      await gate.release();
      expect((await deletion.answer).status).toBe(204);
      const [decided] = await batch;
      expect(decided.result).toMatchObject({ ok: false, error: { status: 403, code: 'bidder_not_allowed' } });
    } finally {
      await gate.release().catch(() => undefined);
      await deletion?.answer.catch(() => undefined);
    }
    expect(await finalState(bidder.id, listing.id)).toEqual({ deleted: true, leaderId: null, bidCount: 0, bids: 0 });
    const stored = await env.deps.db
      .selectFrom('bidRequests')
      .select(['accepted'])
      .where('requestId', '=', command.requestId)
      .executeTakeFirstOrThrow();
    expect(stored.accepted).toBe(false);
  });

  it('the batch locks the account first: the deletion waits for its commit, then is refused (live_bid)', async () => {
    const { bidder, listing, command } = await setting('Sue');
    // Parks the batch after its read, before its write statement (which inserts the listing's events).
    const gate = await locks.holdTableLock('LOCK TABLE listing_events IN SHARE MODE');
    let batch: Promise<unknown> | undefined;
    let deletion: ReturnType<typeof startDeletion> | undefined;
    try {
      const deciding = decideBids(worker, listing.id, [command]);
      batch = deciding;
      const batchPid = (await locks.waiterOf(gate.pid))!;

      // The deletion must wait for the batch (it read the account as live and is about to bid) rather
      // than find no bid and delete the account under it.
      deletion = startDeletion(bidder);
      const waiting = await locks.waiterOf(batchPid, deletion.settled);
      const early = waiting === undefined ? await deletion.answer : undefined;
      expect({ deletionAnsweredBeforeBatchCommitted: early?.status }).toEqual({ deletionAnsweredBeforeBatchCommitted: undefined });

      await gate.release();
      const [decided] = await deciding;
      expect(decided.result.ok).toBe(true);
      const refused = await deletion.answer;
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'account_has_open_obligations', obligation: 'live_bid' });
    } finally {
      await gate.release().catch(() => undefined);
      await batch?.catch(() => undefined);
      await deletion?.answer.catch(() => undefined);
    }
    expect(await finalState(bidder.id, listing.id)).toEqual({ deleted: false, leaderId: bidder.id, bidCount: 1, bids: 1 });
  });
});
