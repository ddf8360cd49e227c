/**
 * Retraction (DELETE /v1/bids/:id, SPEC §2): withdraws all of the bidder's bids on that listing and
 * recomputes the auction from the remaining ones — checked against the reference model.
 */
import type { Listing } from '../../db/schema';
import { modelRetract, modelView } from '../../src/modules/auctions/engine/reference-model.test-support';
import type { RunningWorkers } from '../../workers/workers';
import { decidedCommands, engineConfigOf, replayThroughModel, termsOf } from '../support/bid-replay';
import { createActiveListing, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';

const HOUR = 3_600_000;

let env: TestEnv;
let workers: RunningWorkers;
let seller: TestUser;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  workers = await withWorkers(await env.sibling());
  [seller, alice, bob, carol] = await Promise.all(
    ['Sam', 'Alice', 'Bob', 'Carol'].map((displayName) => createUser(env.deps, { displayName })),
  );
});
afterAll(async () => {
  await workers?.stop();
  await env?.close();
});

const bid = async (user: TestUser, listingId: string, maxAmountCents: number) => {
  const res = await env.http.post(`/v1/listings/${listingId}/bids`).set(user.auth).send({ maxAmountCents });
  expect(res.status).toBe(201);
  return res.body.bid.id as string;
};
const retract = (user: TestUser, bidId: string) => env.http.delete(`/v1/bids/${bidId}`).set(user.auth);
const listingRow = (id: string) =>
  env.deps.db.selectFrom('listings').selectAll().where('id', '=', id).executeTakeFirstOrThrow() as Promise<Listing>;

describe('bid retraction', () => {
  it('more than 12 h before the end: withdraws all the bidder’s bids and replays the rest (as the model does)', async () => {
    const listing = (await createActiveListing(env.deps, seller.id, {
      startingPriceCents: 500,
      reservePriceCents: 1200,
      endsInMs: 48 * HOUR,
    })) as Listing;
    await bid(alice, listing.id, 1000);
    const bobFirst = await bid(bob, listing.id, 1500);
    await bid(carol, listing.id, 1400);
    await bid(bob, listing.id, 3000); // Bob leads, raising his own maximum
    await bid(alice, listing.id, 2000);
    expect(await listingRow(listing.id)).toMatchObject({ leaderId: bob.id, currentPriceCents: 2050 });

    const res = await retract(bob, bobFirst); // any of his bid ids retracts all of them
    expect(res.status).toBe(200);

    // The model: the same commands in decision order, then Bob's withdrawn.
    const { model, mismatches } = replayThroughModel(
      termsOf(listing),
      engineConfigOf(env.deps),
      await decidedCommands(env.deps, listing.id),
    );
    expect(mismatches).toEqual([]);
    const after = modelView(modelRetract(model, bob.id));
    const row = await listingRow(listing.id);
    expect({
      price: row.currentPriceCents,
      leader: row.leaderId,
      reserveMet: row.reserveMet,
      bidCount: row.bidCount,
      endsAt: row.endsAt,
    }).toEqual({
      price: after.priceCents,
      leader: after.leaderId,
      reserveMet: after.reserveMet,
      bidCount: modelRetract(model, bob.id).bids.length,
      endsAt: listing.endsAt,
    });
    expect(after).toMatchObject({ leaderId: alice.id, priceCents: 1450 }); // Carol 1400 + 50; reserve 1200 met
    const aliceAlias = (
      await env.deps.db
        .selectFrom('listingBidders')
        .select('alias')
        .where('listingId', '=', listing.id)
        .where('bidderId', '=', alice.id)
        .executeTakeFirstOrThrow()
    ).alias;
    expect(res.body).toEqual({
      listingId: listing.id,
      currentPriceCents: 1450,
      bidCount: 3,
      minNextBidCents: 1500,
      leaderAlias: aliceAlias,
    });

    const bobsBids = await env.deps.db
      .selectFrom('bids')
      .select('status')
      .where('listingId', '=', listing.id)
      .where('bidderId', '=', bob.id)
      .execute();
    expect(bobsBids.length).toBeGreaterThanOrEqual(2);
    expect(bobsBids.every((b) => b.status === 'retracted')).toBe(true);
    const others = await env.deps.db
      .selectFrom('bids')
      .select('status')
      .where('listingId', '=', listing.id)
      .where('bidderId', '!=', bob.id)
      .execute();
    expect(others.every((b) => b.status === 'active')).toBe(true);
    const events = await env.deps.db
      .selectFrom('listingEvents')
      .select(['type', 'payload'])
      .where('listingId', '=', listing.id)
      .where('type', '=', 'bids_retracted')
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0].payload).toMatchObject({ currentPriceCents: 1450, bidCount: 3, leaderAlias: aliceAlias });

    // A new bid is decided against the recomputed state (min next 1500, Alice's proxy at 2000).
    const next = await env.http.post(`/v1/listings/${listing.id}/bids`).set(carol.auth).send({ maxAmountCents: 1450 });
    expect(next.body).toMatchObject({ code: 'bid_too_low', minNextBidCents: 1500 });
    // Retracting twice is refused: nothing left to withdraw.
    expectProblem(await retract(bob, bobFirst), 409, 'retraction_not_allowed');
  });

  it('less than 12 h before the end: refused once the latest bid is over an hour old, allowed within the hour', async () => {
    const listing = await createActiveListing(env.deps, seller.id, { endsInMs: 6 * HOUR });
    const alicesBid = await bid(alice, listing.id, 1000);
    const bobsBid = await bid(bob, listing.id, 2000);
    await env.deps.db
      .updateTable('listingBidders')
      .set({ lastBidAt: new Date(Date.now() - 61 * 60_000) })
      .where('listingId', '=', listing.id)
      .where('bidderId', '=', alice.id)
      .execute();
    expectProblem(await retract(alice, alicesBid), 409, 'retraction_not_allowed');
    expect((await env.deps.db.selectFrom('bids').select('status').where('id', '=', alicesBid).executeTakeFirstOrThrow()).status).toBe(
      'active',
    );
    expect(await listingRow(listing.id)).toMatchObject({ leaderId: bob.id, currentPriceCents: 1050 });

    expect((await retract(bob, bobsBid)).status).toBe(200); // his bid is seconds old
    expect(await listingRow(listing.id)).toMatchObject({ leaderId: alice.id, currentPriceCents: 500, bidCount: 1 });
  });

  it('another user’s bid, or an unknown one, is 404', async () => {
    const listing = await createActiveListing(env.deps, seller.id, { endsInMs: 48 * HOUR });
    const alicesBid = await bid(alice, listing.id, 1000);
    expectProblem(await retract(bob, alicesBid), 404);
    expectProblem(await retract(bob, '00000000-0000-4000-8000-000000000000'), 404);
    expect((await env.deps.db.selectFrom('bids').select('status').where('id', '=', alicesBid).executeTakeFirstOrThrow()).status).toBe(
      'active',
    );
    expect((await env.http.delete(`/v1/bids/${alicesBid}`)).status).toBe(401);
  });
});
