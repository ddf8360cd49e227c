/**
 * An admin suspension ends the seller's running listings (as eBay ends a suspended seller's listings),
 * so that nothing they listed sells, and pays out, after staff stopped them:
 * - the suspension writes one `listings.take_down_suspended_seller` job to the outbox in its own
 *   transaction; the job takes down every scheduled or active listing of the seller exactly as the
 *   staff takedown does (cancelled under the row lock, `auction_ended {outcome: 'cancelled'}`, seller,
 *   bidders and watchers told, audited with the suspending staff member as actor); drafts, ended
 *   listings and their sales are left alone; a second run changes nothing and sends nothing;
 * - a job that runs after the suspension was lifted takes nothing down;
 * - a suspended seller can no longer edit their listings (403 account_suspended), but may still delete a draft.
 */
import type { Listing } from '../../db/schema';
import { closeAuction } from '../../src/modules/auctions';
import { takeDownSuspendedSellerListings } from '../../src/flows/suspended-seller-listings';
import type { RunningWorkers } from '../../workers/workers';
import { expectProblem } from '../support/http';
import { createActiveListing, eventually, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { LockWatch } from '../support/lock-waiter';

const HOUR = 3_600_000;

let env: TestEnv;
let workers: RunningWorkers;
let staff: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  workers = await withWorkers(await env.sibling());
  staff = await createUser(env.deps, { role: 'admin', displayName: 'Ada Admin' });
});
afterAll(async () => {
  await workers?.stop();
  await env?.close();
});

const users = (...names: string[]) => Promise.all(names.map((displayName) => createUser(env.deps, { displayName })));
const bid = async (user: TestUser, listingId: string, maxAmountCents: number) => {
  const res = await env.http.post(`/v1/listings/${listingId}/bids`).set(user.auth).send({ maxAmountCents });
  expect(res.status).toBe(201);
};
const watch = async (user: TestUser, listingId: string) => {
  expect((await env.http.post(`/v1/listings/${listingId}/watch`).set(user.auth)).status).toBeLessThan(300);
};
const suspend = async (user: TestUser) => {
  const res = await env.http.post(`/v1/admin/users/${user.id}/suspend`).set(staff.auth).send({ reason: 'Counterfeit goods' });
  expect(res.status).toBe(200);
};
const listingRow = (id: string) => env.deps.db.selectFrom('listings').selectAll().where('id', '=', id).executeTakeFirstOrThrow() as Promise<Listing>;
const statusOf = async (id: string) => (await listingRow(id)).status;
const notices = (userId: string, type: string) =>
  env.deps.db.selectFrom('notifications').select(['type', 'body', 'data']).where('userId', '=', userId).where('type', '=', type).execute();
const takedownAudits = (listingId: string) =>
  env.deps.db.selectFrom('auditLog').selectAll().where('action', '=', 'listing.taken_down').where('targetId', '=', listingId).execute();
const eventTypes = async (listingId: string) =>
  (await env.deps.db.selectFrom('listingEvents').select(['type', 'payload']).where('listingId', '=', listingId).orderBy('seq').execute()).map((e) => ({
    type: e.type,
    payload: e.payload,
  }));
const outboxCount = async () => Number((await env.deps.db.selectFrom('outbox').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
const unpublished = async () => (await env.deps.db.selectFrom('outbox').select('id').where('publishedAt', 'is', null).execute()).length === 0;

describe('POST /v1/admin/users/:id/suspend takes down the seller’s running listings', () => {
  it('cancels the active and scheduled listings as a staff takedown does; the draft and the sale stay; a re-run does nothing', async () => {
    const [seller, bidder, watcher, buyer] = await users('Sam', 'Alice', 'Wes', 'Bea');
    const active = await createActiveListing(env.deps, seller.id, { title: 'Fake watch', endsInMs: 48 * HOUR });
    const scheduled = await createActiveListing(env.deps, seller.id, {
      title: 'Fake bag',
      status: 'scheduled',
      startsAt: new Date(Date.now() + 24 * HOUR),
      endsInMs: 72 * HOUR,
    });
    const draft = await createActiveListing(env.deps, seller.id, { title: 'Fake belt', status: 'draft' });
    const sold = await createActiveListing(env.deps, seller.id, { title: 'Real lamp', endsInMs: 48 * HOUR });
    await bid(bidder, active.id, 1000);
    await watch(watcher, active.id);
    await watch(watcher, scheduled.id);
    await bid(buyer, sold.id, 900);
    await env.deps.db.updateTable('listings').set({ endsAt: new Date(Date.now() - 1000) }).where('id', '=', sold.id).execute();
    await closeAuction(env.deps, sold.id);
    expect(await listingRow(sold.id)).toMatchObject({ status: 'ended_sold', winnerId: buyer.id });
    const sale = () => env.deps.db.selectFrom('transactions').selectAll().where('listingId', '=', sold.id).executeTakeFirstOrThrow();
    const saleBefore = await sale();

    await suspend(seller);

    await eventually(async () => (await statusOf(active.id)) === 'cancelled' && (await statusOf(scheduled.id)) === 'cancelled');
    expect(await listingRow(active.id)).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(Date) });
    expect(await statusOf(draft.id)).toBe('draft');
    expect(await statusOf(sold.id)).toBe('ended_sold');
    expect(await sale()).toEqual(saleBefore);

    // The room hears the end, as from a staff takedown.
    expect((await eventTypes(active.id)).slice(-1)).toEqual([{ type: 'auction_ended', payload: expect.objectContaining({ outcome: 'cancelled' }) }]);
    expect(await eventTypes(scheduled.id)).toEqual([{ type: 'auction_ended', payload: expect.objectContaining({ outcome: 'cancelled' }) }]);

    // The bidder and the watcher are told (once per listing), and so is the seller, without the
    // suspension's reason (staff's record, not a note to them).
    await eventually(async () => (await notices(watcher.id, 'listing_cancelled')).length === 2);
    const told = await eventually(async () => (await notices(bidder.id, 'listing_cancelled'))[0]);
    expect(told).toMatchObject({ data: { listingId: active.id } });
    await eventually(async () => (await notices(seller.id, 'listing_cancelled')).length === 2);
    expect((await notices(seller.id, 'listing_cancelled')).map((n) => n.body).sort()).toEqual([
      '"Fake bag" was cancelled by Biddt.',
      '"Fake watch" was cancelled by Biddt.',
    ]);
    expect(await notices(buyer.id, 'listing_cancelled')).toEqual([]);

    // Audited as a takedown by the suspending staff member.
    const [entry] = await takedownAudits(active.id);
    expect(entry).toMatchObject({
      actorId: staff.id,
      details: { reason: 'Counterfeit goods', cause: 'seller_suspended', previousStatus: 'active', sellerId: seller.id, bidders: 1, watchers: 1 },
    });
    expect(await takedownAudits(scheduled.id)).toEqual([expect.objectContaining({ actorId: staff.id })]);
    expect(await takedownAudits(draft.id)).toEqual([]);
    expect(await takedownAudits(sold.id)).toEqual([]);

    // A redelivered job (a crash after its commits) finds nothing left to take down and writes nothing.
    await eventually(unpublished);
    const before = { outbox: await outboxCount(), active: await listingRow(active.id), scheduled: await listingRow(scheduled.id) };
    expect(await takeDownSuspendedSellerListings(env.deps, { userId: seller.id, actorId: staff.id, reason: 'Counterfeit goods' })).toEqual({
      takenDown: 0,
    });
    expect({ outbox: await outboxCount(), active: await listingRow(active.id), scheduled: await listingRow(scheduled.id) }).toEqual(before);
    expect(await takedownAudits(active.id)).toHaveLength(1);
    expect(await notices(watcher.id, 'listing_cancelled')).toHaveLength(2);
  });

  it('a job that runs after the suspension was lifted takes nothing down; lifting it later restores nothing', async () => {
    const [seller, watcher] = await users('Sam', 'Wes');
    const active = await createActiveListing(env.deps, seller.id, { endsInMs: 48 * HOUR });
    await watch(watcher, active.id);
    // The suspension's state without its job (written directly), then lifted before the job runs.
    await env.deps.db.updateTable('users').set({ suspendedAt: new Date() }).where('id', '=', seller.id).execute();
    expect((await env.http.post(`/v1/admin/users/${seller.id}/unsuspend`).set(staff.auth).send({})).status).toBe(200);

    expect(await takeDownSuspendedSellerListings(env.deps, { userId: seller.id, actorId: staff.id, reason: 'Counterfeit goods' })).toEqual({
      takenDown: 0,
    });
    expect(await statusOf(active.id)).toBe('active');
    expect(await takedownAudits(active.id)).toEqual([]);
    expect(await eventTypes(active.id)).toEqual([]);

    // Suspended for real, then lifted: the takedown stands.
    await suspend(seller);
    await eventually(async () => (await statusOf(active.id)) === 'cancelled');
    expect((await env.http.post(`/v1/admin/users/${seller.id}/unsuspend`).set(staff.auth).send({})).status).toBe(200);
    expect(await statusOf(active.id)).toBe('cancelled');
  });

  it('an unsuspension waits for a takedown in flight, so none lands after staff were told the seller is back', async () => {
    const [seller] = await users('Sam');
    const active = await createActiveListing(env.deps, seller.id, { endsInMs: 48 * HOUR });
    await env.deps.db.updateTable('users').set({ suspendedAt: new Date() }).where('id', '=', seller.id).execute();
    const locks = await LockWatch.open(env.databaseUrl);
    try {
      // The job parks after it share-locked the seller and found them suspended, before it locks the listing.
      const run = await locks.race(
        'LOCK TABLE listings IN EXCLUSIVE MODE',
        () => takeDownSuspendedSellerListings(env.deps, { userId: seller.id, actorId: staff.id, reason: 'Counterfeit goods' }),
        () => Promise.resolve(env.http.post(`/v1/admin/users/${seller.id}/unsuspend`).set(staff.auth).send({})),
      );
      expect({ unsuspensionWaitedForTakedown: run.secondWaited }).toEqual({ unsuspensionWaitedForTakedown: true });
      expect(run.first).toEqual({ takenDown: 1 });
      expect(run.second.status).toBe(200);
    } finally {
      await locks.close();
    }
    expect(await statusOf(active.id)).toBe('cancelled');
  });
});

describe('a suspended seller’s own listing commands', () => {
  it('PATCH /v1/listings/:id answers 403 account_suspended; deleting a draft is still allowed', async () => {
    const [seller] = await users('Sam');
    const draft = await createActiveListing(env.deps, seller.id, { title: 'Fake belt', status: 'draft' });
    expect((await env.http.patch(`/v1/listings/${draft.id}`).set(seller.auth).send({ title: 'Genuine belt' })).status).toBe(200);

    await suspend(seller);

    expectProblem(await env.http.patch(`/v1/listings/${draft.id}`).set(seller.auth).send({ title: 'Real belt, honest' }), 403, 'account_suspended');
    expect((await listingRow(draft.id)).title).toBe('Genuine belt');
    expect((await env.http.delete(`/v1/listings/${draft.id}`).set(seller.auth)).status).toBe(204);
  });
});
