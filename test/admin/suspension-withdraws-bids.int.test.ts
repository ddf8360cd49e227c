/**
 * An admin suspension withdraws the user's bids on live auctions (SPEC §9: suspended users cannot
 * bid; as eBay does, their standing bids go too), so that a suspended leader never wins:
 * - the suspension writes a `bid.withdraw_suspended` job to the outbox in its own transaction; the
 *   job withdraws the bids one listing at a time under its row lock, replays the remaining bids,
 *   tells the room (`bids_retracted`) and a new leader (`now_leading`), and leaves closed listings
 *   alone; a second run changes nothing and sends nothing;
 * - a close that comes before the job (the window between the suspension's commit and its job)
 *   withdraws a suspended leader's bids itself and closes on the recomputed state;
 * - a bid received before the suspension but decided after it is refused by the batch.
 */
import type { Listing } from '../../db/schema';
import { closeAuction } from '../../src/modules/auctions';
import { withdrawSuspendedBids } from '../../src/modules/bidding';
import { decideBids } from '../../src/modules/bidding/decide-bids';
import type { RunningWorkers } from '../../workers/workers';
import { createActiveListing, eventually, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { LockWatch } from '../support/lock-waiter';

const HOUR = 3_600_000;

let env: TestEnv;
let workers: RunningWorkers;
let staff: TestUser;
let seller: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  workers = await withWorkers(await env.sibling());
  [staff, seller] = await Promise.all([createUser(env.deps, { role: 'admin', displayName: 'Ada Admin' }), createUser(env.deps, { displayName: 'Sam' })]);
});
afterAll(async () => {
  await workers?.stop();
  await env?.close();
});

const bidders = () => Promise.all(['Alice', 'Bob', 'Carol'].map((displayName) => createUser(env.deps, { displayName })));
const bid = async (user: TestUser, listingId: string, maxAmountCents: number) => {
  const res = await env.http.post(`/v1/listings/${listingId}/bids`).set(user.auth).send({ maxAmountCents });
  expect(res.status).toBe(201);
};
const suspend = async (user: TestUser) => {
  const res = await env.http.post(`/v1/admin/users/${user.id}/suspend`).set(staff.auth).send({ reason: 'Shill bidding' });
  expect(res.status).toBe(200);
};
const listingRow = (id: string) => env.deps.db.selectFrom('listings').selectAll().where('id', '=', id).executeTakeFirstOrThrow() as Promise<Listing>;
const bidStatuses = async (listingId: string, bidderId: string) =>
  (await env.deps.db.selectFrom('bids').select('status').where('listingId', '=', listingId).where('bidderId', '=', bidderId).execute()).map((b) => b.status);
const notices = (userId: string, type: string) =>
  env.deps.db.selectFrom('notifications').select(['type', 'body', 'data']).where('userId', '=', userId).where('type', '=', type).execute();
const eventTypes = async (listingId: string) => {
  const res = await env.http.get(`/v1/listings/${listingId}/events?after=0&limit=100`);
  expect(res.status).toBe(200);
  return (res.body.items as Array<{ type: string; payload: Record<string, unknown> }>).map((e) => ({ type: e.type, payload: e.payload }));
};
const outboxCount = async () => Number((await env.deps.db.selectFrom('outbox').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

describe('POST /v1/admin/users/:id/suspend withdraws the user’s bids on live auctions', () => {
  it('the runner-up leads at the replayed price, the room and the new leader are told, closed listings stay as they are; a re-run does nothing', async () => {
    const [alice, bob, carol] = await bidders();
    // Bob leads `leading`, is below the leader on `below`, and already won `closed`.
    const leading = await createActiveListing(env.deps, seller.id, { title: 'Tent', startingPriceCents: 500, endsInMs: 48 * HOUR });
    const below = await createActiveListing(env.deps, seller.id, { title: 'Stove', startingPriceCents: 500, endsInMs: 48 * HOUR });
    const closed = await createActiveListing(env.deps, seller.id, { title: 'Lamp', startingPriceCents: 500, endsInMs: 48 * HOUR });
    await bid(alice, leading.id, 1000);
    await bid(carol, leading.id, 1200);
    await bid(bob, leading.id, 3000);
    await bid(bob, leading.id, 3500); // raising his own maximum: two bids to withdraw
    await bid(bob, below.id, 800);
    await bid(alice, below.id, 2000);
    await bid(bob, closed.id, 900);
    await env.deps.db.updateTable('listings').set({ endsAt: new Date(Date.now() - 1000) }).where('id', '=', closed.id).execute();
    await closeAuction(env.deps, closed.id);
    expect(await listingRow(leading.id)).toMatchObject({ leaderId: bob.id, currentPriceCents: 1250, bidCount: 4 });
    expect(await listingRow(below.id)).toMatchObject({ leaderId: alice.id, currentPriceCents: 850, bidCount: 2 });
    expect(await listingRow(closed.id)).toMatchObject({ status: 'ended_sold', winnerId: bob.id });

    await suspend(bob);

    // Carol 1200 leads over Alice 1000: 1000 + the 50 increment.
    await eventually(async () => (await listingRow(leading.id)).leaderId === carol.id);
    expect(await listingRow(leading.id)).toMatchObject({ leaderId: carol.id, currentPriceCents: 1050, bidCount: 2, status: 'active' });
    await eventually(async () => (await listingRow(below.id)).bidCount === 1);
    expect(await listingRow(below.id)).toMatchObject({ leaderId: alice.id, currentPriceCents: 500, bidCount: 1 });
    // Every history row of Bob's there, his proxy's automatic bids included.
    expect(await bidStatuses(leading.id, bob.id)).toEqual(['retracted', 'retracted']);
    expect([...new Set(await bidStatuses(below.id, bob.id))]).toEqual(['retracted']);
    // The closed sale is not the job's: Bob's win stands (its transaction goes on, as for any suspension).
    expect(await listingRow(closed.id)).toMatchObject({ status: 'ended_sold', winnerId: bob.id });
    expect(await bidStatuses(closed.id, bob.id)).toEqual(['active']);

    // The room learns the new state as from a retraction; the new leader is told, Bob is not.
    const events = await eventTypes(leading.id);
    expect(events.filter((e) => e.type === 'bids_retracted')).toEqual([
      { type: 'bids_retracted', payload: expect.objectContaining({ currentPriceCents: 1050, bidCount: 2, leaderAlias: expect.any(String) }) },
    ]);
    expect((await eventTypes(below.id)).filter((e) => e.type === 'bids_retracted')).toHaveLength(1);
    const lead = await eventually(async () => (await notices(carol.id, 'now_leading'))[0]);
    expect(lead).toMatchObject({ data: { listingId: leading.id, currentPriceCents: 1050 } });
    expect(lead.body).toContain('"Tent"');
    expect(await notices(alice.id, 'now_leading')).toEqual([]); // she led `below` already
    expect(await notices(bob.id, 'bids_retracted')).toEqual([]);

    // A redelivered job (a crash after its commits) finds nothing left to withdraw and writes nothing.
    await eventually(async () => (await env.deps.db.selectFrom('outbox').select('id').where('publishedAt', 'is', null).execute()).length === 0);
    const before = { outbox: await outboxCount(), leading: await listingRow(leading.id), below: await listingRow(below.id) };
    const suspendedAt = (await env.deps.db.selectFrom('users').select('suspendedAt').where('id', '=', bob.id).executeTakeFirstOrThrow()).suspendedAt!;
    expect(await withdrawSuspendedBids(env.deps, { userId: bob.id, suspendedAt: suspendedAt.toISOString() })).toEqual({ withdrawnFrom: 0 });
    expect({ outbox: await outboxCount(), leading: await listingRow(leading.id), below: await listingRow(below.id) }).toEqual(before);
    expect(await notices(carol.id, 'now_leading')).toHaveLength(1);
  });

  it('a bid received before the suspension and decided after it is refused (bidder_not_allowed)', async () => {
    const [alice, bob] = await bidders();
    const listing = await createActiveListing(env.deps, seller.id, { startingPriceCents: 500, endsInMs: 48 * HOUR });
    await bid(alice, listing.id, 1000);
    const receivedAt = Date.now();
    await suspend(bob);
    const [decided] = await decideBids(env.deps, listing.id, [
      { requestId: `r-in-flight-${listing.id}`, listingId: listing.id, bidderId: bob.id, maxAmountCents: 3000, receivedAt },
    ]);
    expect(decided.result).toMatchObject({ ok: false, error: { status: 403, code: 'bidder_not_allowed' } });
    expect(await listingRow(listing.id)).toMatchObject({ leaderId: alice.id, bidCount: 1 });
    expect(await bidStatuses(listing.id, bob.id)).toEqual([]);
  });
});

describe('a suspension lifted while its withdrawal job runs', () => {
  it('the unsuspension waits for the listing in hand; the bids on the listings after it stand', async () => {
    const [alice, bob] = await bidders();
    const [first, second] = await Promise.all(
      ['Kayak', 'Paddle'].map((title) => createActiveListing(env.deps, seller.id, { title, startingPriceCents: 500, endsInMs: 48 * HOUR })),
    );
    for (const listing of [first, second]) {
      await bid(alice, listing.id, 1000);
      await bid(bob, listing.id, 2000);
    }
    // The suspension's state without its job (written directly); the job is driven by hand.
    const suspendedAt = new Date();
    await env.deps.db.updateTable('users').set({ suspendedAt }).where('id', '=', bob.id).execute();
    const locks = await LockWatch.open(env.databaseUrl);
    try {
      // The job parks after it share-locked Bob's account for the first listing, before it locks that listing.
      const run = await locks.race(
        'LOCK TABLE listings IN EXCLUSIVE MODE',
        () => withdrawSuspendedBids(env.deps, { userId: bob.id, suspendedAt: suspendedAt.toISOString() }),
        () => Promise.resolve(env.http.post(`/v1/admin/users/${bob.id}/unsuspend`).set(staff.auth).send({})),
      );
      expect({ unsuspensionWaitedForWithdrawal: run.secondWaited }).toEqual({ unsuspensionWaitedForWithdrawal: true });
      expect(run.first).toEqual({ withdrawnFrom: 1 });
      expect(run.second.status).toBe(200);
    } finally {
      await locks.close();
    }
    const [a, b] = [first, second].sort((x, y) => x.id.localeCompare(y.id));
    expect(await bidStatuses(a.id, bob.id)).toEqual(['retracted']);
    expect(await bidStatuses(b.id, bob.id)).toEqual(['active']);
    expect(await listingRow(b.id)).toMatchObject({ leaderId: bob.id });
  });
});

describe('closing an auction whose leader is suspended, before the withdrawal job ran', () => {
  /**
   * The state between the suspension's commit and its job: the account is suspended (written here
   * directly, so no job exists) and the bids still stand. The end is moved into the past and the
   * close driven directly, as the close job would.
   */
  async function suspendedLeaderAtClose(listing: Listing, bob: TestUser) {
    await env.deps.db.updateTable('users').set({ suspendedAt: new Date() }).where('id', '=', bob.id).execute();
    await env.deps.db.updateTable('listings').set({ endsAt: new Date(Date.now() - 1000) }).where('id', '=', listing.id).execute();
    await closeAuction(env.deps, listing.id);
    return eventually(async () => {
      const row = await listingRow(listing.id);
      return row.status !== 'active' && row;
    });
  }

  it('withdraws the leader’s bids first: the runner-up wins at the replayed price', async () => {
    const [alice, bob, carol] = await bidders();
    const listing = (await createActiveListing(env.deps, seller.id, { startingPriceCents: 500, endsInMs: 48 * HOUR })) as Listing;
    await bid(alice, listing.id, 1000);
    await bid(carol, listing.id, 1200);
    await bid(bob, listing.id, 3000);

    const ended = await suspendedLeaderAtClose(listing, bob);

    expect(ended).toMatchObject({ status: 'ended_sold', winnerId: carol.id, currentPriceCents: 1050, bidCount: 2 });
    const sale = await env.deps.db.selectFrom('transactions').select(['buyerId', 'amountCents']).where('listingId', '=', listing.id).executeTakeFirstOrThrow();
    expect(sale).toEqual({ buyerId: carol.id, amountCents: 1050 });
    expect(await bidStatuses(listing.id, bob.id)).toEqual(['retracted']);
    // The room sees the withdrawal, then the end at the replayed price.
    const events = (await eventTypes(listing.id)).slice(-2);
    expect(events).toEqual([
      { type: 'bids_retracted', payload: expect.objectContaining({ currentPriceCents: 1050, bidCount: 2 }) },
      { type: 'auction_ended', payload: expect.objectContaining({ outcome: 'sold', finalPriceCents: 1050 }) },
    ]);
    await eventually(async () => (await notices(carol.id, 'won')).length === 1);
    expect(await notices(bob.id, 'won')).toEqual([]);
  });

  it('without the suspended leader the reserve is not met: no sale', async () => {
    const [alice, bob] = await bidders();
    const listing = (await createActiveListing(env.deps, seller.id, { startingPriceCents: 500, reservePriceCents: 2000, endsInMs: 48 * HOUR })) as Listing;
    await bid(alice, listing.id, 1000);
    await bid(bob, listing.id, 3000);
    expect(await listingRow(listing.id)).toMatchObject({ leaderId: bob.id, reserveMet: true });

    const ended = await suspendedLeaderAtClose(listing, bob);

    expect(ended).toMatchObject({ status: 'ended_unsold', winnerId: null, leaderId: alice.id, reserveMet: false });
    expect(await env.deps.db.selectFrom('transactions').select('id').where('listingId', '=', listing.id).execute()).toEqual([]);
  });

  it('a suspension in flight when the close locks the listing is waited for: the runner-up wins', async () => {
    const [alice, bob, carol] = await bidders();
    const listing = (await createActiveListing(env.deps, seller.id, { startingPriceCents: 500, endsInMs: 48 * HOUR })) as Listing;
    await bid(alice, listing.id, 1000);
    await bid(carol, listing.id, 1200);
    await bid(bob, listing.id, 3000);
    await env.deps.db.updateTable('listings').set({ endsAt: new Date(Date.now() - 1000) }).where('id', '=', listing.id).execute();
    const locks = await LockWatch.open(env.databaseUrl);
    try {
      // The suspension parks after it locked and updated Bob's account (its next statement writes the
      // audit entry). The close, which reads Bob as its leader, must wait for his account row rather
      // than sell to him past a suspension about to answer staff.
      const run = await locks.race(
        'LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE',
        () => Promise.resolve(env.http.post(`/v1/admin/users/${bob.id}/suspend`).set(staff.auth).send({ reason: 'Shill bidding' })),
        () => closeAuction(env.deps, listing.id),
      );
      expect({ closeWaitedForSuspension: run.secondWaited }).toEqual({ closeWaitedForSuspension: true });
      expect(run.first.status).toBe(200);
    } finally {
      await locks.close();
    }
    const ended = await eventually(async () => {
      const row = await listingRow(listing.id);
      return row.status !== 'active' && row;
    });
    expect(ended).toMatchObject({ status: 'ended_sold', winnerId: carol.id, currentPriceCents: 1050 });
  });
});
