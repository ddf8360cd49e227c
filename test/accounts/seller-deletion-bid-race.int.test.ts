/**
 * A seller's account deletion against a bid batch on one of the seller's live listings (SPEC §9: a
 * deletion is refused while the account sells a live auction that has bids; the listings go with the
 * account). The deletion locks the account row, then checks the seller's listings for bids and
 * soft-deletes them; the worker's batch decides bids under the listing's row lock. Whichever locks the
 * listing first, the other must see its outcome: never a bid vanishing with a deleted listing. Each
 * interleaving is forced as in deletion-bid-race.int.test.ts: a third transaction holds a table lock
 * that parks one side at a known point, and the test waits until PostgreSQL reports the other side
 * waiting (pg_blocking_pids), with no timing guesses.
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

/** Polls until `probe` answers something, or fails after 10 s. */
async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await probe();
    if (answer !== undefined) return answer;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

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
    requestId: `r-seller-deletion-race-${listing.id}`,
    listingId: listing.id,
    bidderId: bidder.id,
    maxAmountCents: 2_000,
    receivedAt: Date.now(),
  };
  return { seller, bidder, listing, command };
}

/** The end state: the seller's account, the listing (deleted?, leader, bid count) and the bids stored on it. */
async function finalState(sellerId: string, listingId: string) {
  const [account, row, bids] = await Promise.all([
    env.deps.db.selectFrom('users').select('deletedAt').where('id', '=', sellerId).executeTakeFirstOrThrow(),
    env.deps.db.selectFrom('listings').select(['deletedAt', 'leaderId', 'bidCount']).where('id', '=', listingId).executeTakeFirstOrThrow(),
    env.deps.db.selectFrom('bids').select('bidderId').where('listingId', '=', listingId).execute(),
  ]);
  return {
    sellerDeleted: account.deletedAt !== null,
    listingDeleted: row.deletedAt !== null,
    leaderId: row.leaderId,
    bidCount: row.bidCount,
    bids: bids.length,
  };
}

describe("DELETE /v1/users/me of a seller racing a bid batch on the seller's listing", () => {
  it('the batch locks the listing first: the deletion waits for its commit, then is refused (live_auction_with_bids)', async () => {
    const { seller, bidder, listing, command } = await setting('Sol');
    // Parks the batch after its lock and read, before its write statement (which inserts the listing's events).
    const gate = await locks.holdTableLock('LOCK TABLE listing_events IN SHARE MODE');
    let batch: Promise<unknown> | undefined;
    let deletion: ReturnType<typeof startDeletion> | undefined;
    try {
      const deciding = decideBids(worker, listing.id, [command]);
      batch = deciding;
      const batchPid = await until(async () => (await locks.waitersOf(gate.pid))[0], 'the batch to wait on the gate');

      // The deletion reaches the listing the batch holds and must wait for the batch's commit.
      deletion = startDeletion(seller);
      const waiting = await until(
        async () => ((await locks.waitersOf(batchPid)).length ? true : deletion!.settled() ? false : undefined),
        'the deletion',
      );
      expect({ deletionWaitsForBatch: waiting }).toEqual({ deletionWaitsForBatch: true });

      await gate.release();
      const [decided] = await deciding;
      expect(decided.result.ok).toBe(true);
      const refused = await deletion.answer;
      expect({ status: refused.status, body: refused.body as unknown }).toMatchObject({
        status: 409,
        body: { code: 'account_has_open_obligations', obligation: 'live_auction_with_bids' },
      });
    } finally {
      await gate.release().catch(() => undefined);
      await batch?.catch(() => undefined);
      await deletion?.answer.catch(() => undefined);
    }
    expect(await finalState(seller.id, listing.id)).toEqual({
      sellerDeleted: false,
      listingDeleted: false,
      leaderId: bidder.id,
      bidCount: 1,
      bids: 1,
    });
  });

  it('the deletion locks the listing first: the batch waits for it, then refuses the bid (auction_not_active)', async () => {
    const { seller, listing, command } = await setting('Sid');
    // Parks the deletion after its seller check (which locks the listings): its next statement, the
    // live-bid check, reads `bids` (which the batch only writes, in its last statement).
    const gate = await locks.holdTableLock('LOCK TABLE bids IN ACCESS EXCLUSIVE MODE');
    let batch: Promise<unknown> | undefined;
    let deletion: ReturnType<typeof startDeletion> | undefined;
    try {
      deletion = startDeletion(seller);
      const deletionPid = await until(async () => (await locks.waitersOf(gate.pid))[0], 'the deletion to wait on the gate');

      // The batch must wait on the listing the deletion holds, not read it as live and go on to its
      // write (where it would wait on the gate instead).
      const deciding = decideBids(worker, listing.id, [command]);
      batch = deciding;
      const blockedBy = await until(async () => {
        if ((await locks.waitersOf(deletionPid)).length) return 'deletion';
        if ((await locks.waitersOf(gate.pid)).some((pid) => pid !== deletionPid)) return 'gate';
        return undefined;
      }, 'the batch to wait');
      expect({ batchWaitsFor: blockedBy }).toEqual({ batchWaitsFor: 'deletion' });

      await gate.release();
      expect((await deletion.answer).status).toBe(204);
      const [decided] = await deciding;
      expect(decided.result).toMatchObject({ ok: false, error: { code: 'auction_not_active' } });
    } finally {
      await gate.release().catch(() => undefined);
      await deletion?.answer.catch(() => undefined);
      await batch?.catch(() => undefined);
    }
    expect(await finalState(seller.id, listing.id)).toEqual({
      sellerDeleted: true,
      listingDeleted: true,
      leaderId: null,
      bidCount: 0,
      bids: 0,
    });
  });
});

describe('a redelivered bid command on a listing deleted since', () => {
  it('answers its stored outcome, not auction_not_active', async () => {
    const { listing, command } = await setting('Sue');
    const [first] = await decideBids(worker, listing.id, [command]);
    expect(first.result).toMatchObject({ ok: true });
    // The seller's account deletion soft-deletes the listing (its bid aside: this is the stored answer).
    await env.deps.db.updateTable('listings').set({ deletedAt: new Date() }).where('id', '=', listing.id).execute();

    const [again] = await decideBids(worker, listing.id, [command]);
    expect(again.result).toEqual(first.result);
  });
});
