import type { RunningWorkers } from '../../workers/workers';
import { createActiveListing, eventually, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

let env: TestEnv;
let workers: RunningWorkers;
let seller: TestUser;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  workers = await withWorkers(await env.sibling());
  seller = await createUser(env.deps, { displayName: 'Sam' });
  alice = await createUser(env.deps, { displayName: 'Alice' });
  bob = await createUser(env.deps, { displayName: 'Bob' });
});
afterAll(async () => {
  await workers.stop();
  await env.close();
});

const bid = (user: TestUser, listingId: string, maxAmountCents: number, key?: string) => {
  const req = env.http.post(`/v1/listings/${listingId}/bids`).set(user.auth);
  if (key) req.set('Idempotency-Key', key);
  return req.send({ maxAmountCents });
};

describe('bid path: HTTP → queue → worker → commit', () => {
  it('follows SPEC’s proxy example through the full path', async () => {
    const listing = await createActiveListing(env.deps, seller.id, { startingPriceCents: 500 });
    const a = await bid(alice, listing.id, 1000);
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ outcome: 'leading', currentPriceCents: 500, isLeader: true, minNextBidCents: 550 });
    expect(a.body.bid).toMatchObject({ alias: 'a***1', maxAmountCents: 1000, isAutoBid: false });

    const b = await bid(bob, listing.id, 800);
    expect(b.status).toBe(201);
    expect(b.body).toMatchObject({ outcome: 'outbid', currentPriceCents: 850, isLeader: false });

    const low = await bid(bob, listing.id, 860);
    expect(low.status).toBe(409);
    expect(low.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(low.body).toMatchObject({ code: 'bid_too_low', minNextBidCents: 900 });

    const history = await env.http.get(`/v1/listings/${listing.id}/bids`).set(bob.auth);
    expect(history.status).toBe(200);
    const amounts = history.body.items.map((i: { amountCents: number }) => i.amountCents);
    expect(amounts).toEqual([850, 800, 500]);
    // Bob sees his own maximum, never Alice's.
    for (const item of history.body.items) {
      if (item.alias.startsWith('a')) expect(item.maxAmountCents).toBeUndefined();
      else expect(item.maxAmountCents).toBe(800);
    }
  });

  it('answers a retried request with the same Idempotency-Key with the same answer and one bid', async () => {
    const listing = await createActiveListing(env.deps, seller.id);
    const first = await bid(alice, listing.id, 2000, 'tap-1');
    const again = await bid(alice, listing.id, 2000, 'tap-1');
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    const rows = await env.deps.db.selectFrom('bids').selectAll().where('listingId', '=', listing.id).execute();
    expect(rows).toHaveLength(1);
    const reused = await bid(alice, listing.id, 2500, 'tap-1');
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
  });

  it('refuses the seller, and suspended or deleted bidders', async () => {
    const listing = await createActiveListing(env.deps, seller.id);
    const own = await bid(seller, listing.id, 1000);
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('own_listing');

    const suspended = await createUser(env.deps);
    await env.deps.db.updateTable('users').set({ suspendedAt: new Date() }).where('id', '=', suspended.id).execute();
    expect((await bid(suspended, listing.id, 1000)).body.code).toBe('bidder_not_allowed');
    const deleted = await createUser(env.deps);
    await env.deps.db.updateTable('users').set({ deletedAt: new Date() }).where('id', '=', deleted.id).execute();
    expect((await bid(deleted, listing.id, 1000)).status).toBe(403);
  });

  it('notifies the displaced leader (in-app notification row)', async () => {
    const listing = await createActiveListing(env.deps, seller.id);
    await bid(alice, listing.id, 1000);
    await bid(bob, listing.id, 3000);
    const note = await eventually(() =>
      env.deps.db.selectFrom('notifications').selectAll().where('userId', '=', alice.id).where('type', '=', 'outbid').executeTakeFirst(),
    );
    expect(note.data).toMatchObject({ listingId: listing.id });
  });
});
