/**
 * Soft close (SPEC §2) with a 2 s window and a 2 s extension, through the real bid path and workers.
 */
import type { Listing } from '../../db/schema';
import type { BidCommand } from '../../src/modules/bidding/bids-in-flight';
import { enqueueDrain } from '../../src/modules/bidding/bid-drain';
import { CLOSE_LEAD_MS, closeJob } from '../../src/modules/auctions/auction-jobs';
import { decidedCommands, engineConfigOf, replayThroughModel, termsOf } from '../support/bid-replay';
import { createActiveListing, eventually, useSellerAndTwoBidders, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestUser } from '../support/harness';

const EXTRA = { SOFT_CLOSE_WINDOW_SEC: '2', SOFT_CLOSE_EXTENSION_SEC: '2' };
const WINDOW = 2000;
const EXTENSION = 2000;

const ctx = useSellerAndTwoBidders(EXTRA);

const bid = (user: TestUser, listingId: string, maxAmountCents: number) =>
  ctx.env.http.post(`/v1/listings/${listingId}/bids`).set(user.auth).send({ maxAmountCents });
const endsAtOf = async (id: string) =>
  (await ctx.env.deps.db.selectFrom('listings').select('endsAt').where('id', '=', id).executeTakeFirstOrThrow()).endsAt!.getTime();
const receivedAtOf = async (listingId: string, bidderId: string, max: number) =>
  (
    await ctx.env.deps.db
      .selectFrom('bidRequests')
      .select('receivedAt')
      .where('listingId', '=', listingId)
      .where('bidderId', '=', bidderId)
      .where('maxAmountCents', '=', max)
      .executeTakeFirstOrThrow()
  ).receivedAt.getTime();
const eventsOf = (id: string, type: string) =>
  ctx.env.deps.db
    .selectFrom('listingEvents')
    .select(['seq', 'payload'])
    .where('listingId', '=', id)
    .where('type', '=', type)
    .orderBy('seq')
    .execute();

describe('soft close', () => {
  it('extends on an accepted non-leader bid in the window; refusals, raises and retractions never move the end; the old close job does not close early', async () => {
    const listing = await createActiveListing(ctx.env.deps, ctx.seller.id, { startingPriceCents: 500, endsInMs: 60_000 });
    expect((await bid(ctx.alice, listing.id, 1000)).status).toBe(201); // far from the end: no extension
    expect(await endsAtOf(listing.id)).toBe(listing.endsAt!.getTime());

    // The end comes within the window; its close job is queued as publishing would have done.
    const end1 = Date.now() + 1900;
    await ctx.env.deps.db
      .updateTable('listings')
      .set({ endsAt: new Date(end1) })
      .where('id', '=', listing.id)
      .execute();
    const oldClose = closeJob(new Date(end1));
    await ctx.env.deps.queues.auctions.add(oldClose.name, oldClose.data, { jobId: oldClose.jobId, delay: oldClose.runAt! - Date.now() });

    const low = await bid(ctx.bob, listing.id, 540);
    expect(low.body).toMatchObject({ code: 'bid_too_low', minNextBidCents: 550 });
    expect((await bid(ctx.alice, listing.id, 2000)).body).toMatchObject({ outcome: 'leading', isLeader: true }); // leader raise
    expect(await endsAtOf(listing.id)).toBe(end1);

    // Late in the window, so the new end is well past the old close job's run (end1 − CLOSE_LEAD_MS).
    await new Promise((r) => setTimeout(r, Math.max(0, end1 - 700 - Date.now())));
    const outbid = await bid(ctx.bob, listing.id, 1500); // accepted, still behind Alice: extends all the same
    expect(outbid.status).toBe(201);
    expect(outbid.body).toMatchObject({ outcome: 'outbid', currentPriceCents: 1550 });
    const receivedAt = await receivedAtOf(listing.id, ctx.bob.id, 1500);
    expect(end1 - receivedAt).toBeLessThan(WINDOW);
    expect(end1 - receivedAt).toBeGreaterThan(0);
    const end2 = receivedAt + EXTENSION;
    expect(Date.parse(outbid.body.endsAt)).toBe(end2);
    expect(await endsAtOf(listing.id)).toBe(end2);
    expect((await eventsOf(listing.id, 'auction_extended')).map((e) => (e.payload as { endsAt: string }).endsAt)).toEqual([
      new Date(end2).toISOString(),
    ]);
    // The extension queued a close job for the new end (through the outbox relay).
    const expectedClose = closeJob(new Date(end2));
    const newClose = await eventually(() => ctx.env.deps.queues.auctions.getJob(expectedClose.jobId!), 5000);
    expect(newClose.data).toEqual({ second: Math.floor(end2 / 1000) });
    // Due CLOSE_LEAD_MS before its second starts by design (it then waits for each end in-process).
    expect(expectedClose.runAt).toBe(Math.floor(end2 / 1000) * 1000 - CLOSE_LEAD_MS);
    expect(newClose.timestamp + newClose.opts.delay! - expectedClose.runAt!).toBeGreaterThanOrEqual(0);
    expect(newClose.timestamp + newClose.opts.delay! - expectedClose.runAt!).toBeLessThan(250);

    // Bob retracts (his bid is minutes old): the end stays where it is.
    const retract = await ctx.env.http.delete(`/v1/bids/${outbid.body.bid.id}`).set(ctx.bob.auth);
    expect(retract.status).toBe(200);
    expect(await endsAtOf(listing.id)).toBe(end2);

    // The old second's job fires around end1 and leaves the listing alone; the new one closes it at end2.
    const oldJob = (await ctx.env.deps.queues.auctions.getJob(oldClose.jobId!))!;
    await eventually(async () => (await oldJob.getState()) === 'completed', 10_000);
    expect((await ctx.env.deps.queues.auctions.getJob(oldClose.jobId!))!.returnvalue).toMatchObject({ closed: 0 });
    expect(
      (await ctx.env.deps.db.selectFrom('listings').select('status').where('id', '=', listing.id).executeTakeFirstOrThrow()).status,
    ).toBe('active');
    const closed = await eventually(
      () =>
        ctx.env.deps.db
          .selectFrom('listings')
          .select(['status', 'endedAt', 'winnerId', 'currentPriceCents'])
          .where('id', '=', listing.id)
          .where('status', '!=', 'active')
          .executeTakeFirst(),
      10_000,
    );
    expect(closed).toMatchObject({ status: 'ended_sold', winnerId: ctx.alice.id, currentPriceCents: 500 });
    expect(closed.endedAt!.getTime()).toBeGreaterThanOrEqual(end2);
    await eventually(async () => (await ctx.env.deps.queues.auctions.getJob(expectedClose.jobId!))!.returnvalue?.closed === 1, 5000);
    expect(await eventsOf(listing.id, 'auction_extended')).toHaveLength(1);
  }, 30_000);

  it('does not extend for a bid received exactly at the window edge, and does one millisecond inside it', async () => {
    // With extension = window, an edge bid would "extend" to receivedAt + extension = endsAt: no
    // visible change either way. A longer extension makes the edge observable.
    const EXT = 3000;
    const edge = await createTestEnv({ SOFT_CLOSE_WINDOW_SEC: '2', SOFT_CLOSE_EXTENSION_SEC: '3' });
    const edgeWorkers = await withWorkers(await edge.sibling());
    try {
      const [owner, a, b, c] = await Promise.all([0, 1, 2, 3].map(() => createUser(edge.deps)));
      const listing = (await createActiveListing(edge.deps, owner.id, { startingPriceCents: 500, endsInMs: 600_000 })) as Listing;
      const end = listing.endsAt!.getTime();
      // Receipt stamps are chosen by appending the bid command to the listing's stream, stamp included.
      const place = async (bidder: TestUser, maxAmountCents: number, receivedAt: number) => {
        const data: BidCommand = {
          requestId: `redge${receivedAt}`,
          listingId: listing.id,
          bidderId: bidder.id,
          maxAmountCents,
          receivedAt,
        };
        const generation = await edge.deps.bidsInFlight.append(data);
        if (generation > 0) await enqueueDrain(edge.deps.queues, listing.id, generation);
        const row = await eventually(() =>
          edge.deps.db.selectFrom('bidRequests').selectAll().where('requestId', '=', data.requestId).executeTakeFirst(),
        );
        const { endsAt } = await edge.deps.db
          .selectFrom('listings')
          .select('endsAt')
          .where('id', '=', listing.id)
          .executeTakeFirstOrThrow();
        return { accepted: row.accepted, endsAt: endsAt!.getTime() - end };
      };

      expect(await place(a, 1000, end - 60_000)).toEqual({ accepted: true, endsAt: 0 });
      expect(await place(b, 1500, end - WINDOW)).toEqual({ accepted: true, endsAt: 0 }); // exactly at the edge: no extension
      expect(await place(c, 2500, end - WINDOW + 1)).toEqual({ accepted: true, endsAt: -WINDOW + 1 + EXT }); // 1 ms inside
      expect(await place(c, 4000, end - 500)).toEqual({ accepted: true, endsAt: 1001 }); // leader raise: unchanged
      expect(await place(a, 600, end - 400)).toEqual({ accepted: false, endsAt: 1001 }); // refused: unchanged
      expect(await place(b, 5000, end - 300)).toEqual({ accepted: true, endsAt: -300 + EXT }); // from its own stamp

      const commands = await decidedCommands(edge.deps, listing.id);
      const { mismatches } = replayThroughModel(termsOf(listing), engineConfigOf(edge.deps), commands);
      expect(mismatches).toEqual([]);
      const extended = await edge.deps.db
        .selectFrom('listingEvents')
        .select('payload')
        .where('listingId', '=', listing.id)
        .where('type', '=', 'auction_extended')
        .orderBy('seq')
        .execute();
      expect(extended.map((e) => (e.payload as { endsAt: string }).endsAt)).toEqual([
        new Date(end + 1001).toISOString(),
        new Date(end + 2700).toISOString(),
      ]);
    } finally {
      await edgeWorkers.stop();
      await edge.close();
    }
  });
});
