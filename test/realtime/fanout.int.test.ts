import { sql } from 'kysely';
import type { Deps } from '../../src/composition';
import { appendListingEvents } from '../../src/modules/auctions';
import { announceEndingSoon, pushEndingSoon } from '../../src/modules/auctions/ending-soon';
import { openAuction, overdueListings } from '../../src/modules/auctions/close-auction';
import { listingRoom } from '../../src/shared/rooms';
import { socketEmitter } from '../../src/shared/socket-emitter';
import { startRealtime, type RealtimeServer } from '../../realtime/io';
import { MAX_REPLAY } from '../../realtime/listing-handlers';
import type { RunningWorkers } from '../../workers/workers';
import { createActiveListing, eventually, withWorkers } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { closeAllClients, newKey, okData, openClient } from './realtime-support';

/**
 * Two realtime servers (A and B) on sibling deps sharing the database and Redis prefix, the API app,
 * and real workers (bids, auctions, outbox relay): what one process publishes reaches every watcher.
 */
let env: TestEnv;
let workers: RunningWorkers;
let rtA: RealtimeServer;
let rtB: RealtimeServer;
let seller: TestUser;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let watcher: TestUser;

beforeAll(async () => {
  // Short soft close and ending-soon lead so a whole auction ending fits in a few seconds.
  env = await createTestEnv({ SOFT_CLOSE_WINDOW_SEC: '2', SOFT_CLOSE_EXTENSION_SEC: '3', ENDING_SOON_LEAD_SEC: '1' });
  const [depsA, depsB, depsW]: Deps[] = await Promise.all([env.sibling(), env.sibling(), env.sibling()]);
  [rtA, rtB, workers] = await Promise.all([startRealtime(depsA, 0), startRealtime(depsB, 0), withWorkers(depsW)]);
  [seller, alice, bob, carol, watcher] = await Promise.all(
    ['Sam', 'Alice', 'Bob', 'Carol', 'Walt'].map((displayName) => createUser(env.deps, { displayName })),
  );
});
afterAll(async () => {
  closeAllClients();
  await Promise.all([rtA.stop(), rtB.stop()]);
  await workers.stop();
  await env.close();
});

const restBid = (user: TestUser, listingId: string, maxAmountCents: number) =>
  env.http.post(`/v1/listings/${listingId}/bids`).set(user.auth).send({ maxAmountCents });

const outboxDrained = () =>
  eventually(async () => {
    const row = await env.deps.db
      .selectFrom('outbox')
      .select(sql<string>`count(*)`.as('n'))
      .where('publishedAt', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n) === 0;
  });

const seqs = (events: Array<Record<string, unknown>>) => events.map((e) => e.seq as number);

describe('listing events across two realtime servers', () => {
  it('delivers a REST bid and a socket bid (via server B) to a watcher on server A, in order with consecutive seqs; outbid only to the displaced bidder', async () => {
    const listing = await createActiveListing(env.deps, seller.id, { startingPriceCents: 500 });
    const w = await openClient(rtA.port, watcher.accessToken);
    const a = await openClient(rtA.port, alice.accessToken);
    const b = await openClient(rtB.port, bob.accessToken);
    expect(okData(await w.ack('subscribe', { listingId: listing.id }))).toEqual({
      listingId: listing.id,
      currentSeq: 0,
      replayed: 0,
      nextAfter: null,
    });

    const first = await restBid(alice, listing.id, 1000);
    expect(first.status).toBe(201);
    const second = okData(await b.ack('bid', { listingId: listing.id, maxAmountCents: 1500, idempotencyKey: newKey() }));
    expect(second).toMatchObject({ outcome: 'leading', isLeader: true, currentPriceCents: 1050, bid: { maxAmountCents: 1500 } });

    const placed = await w.waitFor('bid_placed', 2, listing.id);
    expect(seqs(placed)).toEqual([1, 2]);
    expect(placed.map((p) => p.currentPriceCents)).toEqual([500, 1050]);
    expect(placed[1]).toMatchObject({
      listingId: listing.id,
      bidCount: 2,
      endsAt: expect.any(String),
      bid: { alias: expect.any(String), amountCents: 1050 },
    });
    // Other bidders' maxima never travel in public events.
    for (const p of placed) expect((p.bid as Record<string, unknown>).maxAmountCents).toBeUndefined();

    const [outbid] = await a.waitFor('outbid', 1, listing.id);
    expect(outbid).toEqual({ listingId: listing.id, yourMaxBidCents: 1000, currentPriceCents: 1050 });
    await outboxDrained();
    await new Promise((r) => setTimeout(r, 100));
    expect(b.events('outbid')).toHaveLength(0);
    expect(w.events('outbid')).toHaveLength(0);
    // Bidders who did not subscribe to the listing room do not get its events.
    expect(a.events('bid_placed')).toHaveLength(0);
  });

  it('announces auction_extended, ending_soon (before the effective end) and auction_ended', async () => {
    const listing = await createActiveListing(env.deps, seller.id, { endsInMs: 1500 });
    const w = await openClient(rtA.port, watcher.accessToken);
    const c = await openClient(rtB.port, carol.accessToken);
    okData(await w.ack('subscribe', { listingId: listing.id }));
    // Inside the 2 s window: the end moves to receipt + 3 s, with new close and ending-soon jobs.
    const bid = okData<{ endsAt: string }>(await c.ack('bid', { listingId: listing.id, maxAmountCents: 700, idempotencyKey: newKey() }));
    expect(new Date(bid.endsAt).getTime()).toBeGreaterThan(listing.endsAt!.getTime());

    const [ended] = await w.waitFor('auction_ended', 1, listing.id, 15_000);
    expect(ended).toMatchObject({ listingId: listing.id, outcome: 'sold', finalPriceCents: 500 });
    const [extended] = w.events('auction_extended', listing.id);
    expect(extended).toMatchObject({ endsAt: bid.endsAt });
    const [soon] = w.events('ending_soon', listing.id);
    expect(soon).toMatchObject({ listingId: listing.id, secondsRemaining: 1, endsAt: bid.endsAt });
    const order = w.received.filter((r) => r.payload?.listingId === listing.id).map((r) => [r.event, r.payload.seq]);
    expect(order).toEqual([
      ['bid_placed', 1],
      ['auction_extended', 2],
      ['ending_soon', 3],
      ['auction_ended', 4],
    ]);
    const soonAt = w.received.find((r) => r.event === 'ending_soon')!.at;
    expect(new Date(bid.endsAt).getTime() - soonAt).toBeGreaterThan(500);

    // The same stored events back the REST catch-up route.
    const stored = await env.http.get(`/v1/listings/${listing.id}/events?after=0`).set(watcher.auth);
    expect(stored.body.items.map((e: { type: string; seq: number }) => [e.type, e.seq])).toEqual(order);
  });

  it('lets a client that was disconnected while three bids happened recover all three with subscribe {afterSeq}', async () => {
    const listing = await createActiveListing(env.deps, seller.id);
    const w1 = await openClient(rtA.port, watcher.accessToken);
    okData(await w1.ack('subscribe', { listingId: listing.id }));
    expect((await restBid(alice, listing.id, 1000)).status).toBe(201);
    const [live] = await w1.waitFor('bid_placed', 1, listing.id);
    const lastSeq = live.seq as number;
    w1.close();

    for (const [user, amount] of [
      [bob, 2000],
      [carol, 3000],
      [alice, 4000],
    ] as const) {
      expect((await restBid(user, listing.id, amount)).status).toBe(201);
    }
    await outboxDrained();

    // Reconnects (on the other server, as a load balancer may route it) and catches up.
    const w2 = await openClient(rtB.port, watcher.accessToken);
    const ack = okData(await w2.ack('subscribe', { listingId: listing.id, afterSeq: lastSeq }));
    expect(ack).toEqual({ listingId: listing.id, currentSeq: lastSeq + 3, replayed: 3, nextAfter: null });
    const missed = w2.events('bid_placed', listing.id);
    expect(seqs(missed)).toEqual([lastSeq + 1, lastSeq + 2, lastSeq + 3]);
    expect(missed.map((m) => m.currentPriceCents)).toEqual([1050, 2050, 3100]);

    // And it is live again: the next bid arrives with the next seq.
    expect((await restBid(bob, listing.id, 5000)).status).toBe(201);
    const after = await w2.waitFor('bid_placed', 4, listing.id);
    expect(seqs(after)).toEqual([lastSeq + 1, lastSeq + 2, lastSeq + 3, lastSeq + 4]);
  });

  it('announces ending_soon once per effective end, and not at all once the end has moved', async () => {
    const listing = await createActiveListing(env.deps, seller.id, { endsInMs: 60_000 });
    const endsAt = listing.endsAt!.getTime();
    expect(await announceEndingSoon(env.deps, listing.id, endsAt - 1000)).toBe('moved');
    expect(await announceEndingSoon(env.deps, listing.id, endsAt)).toBe('announced');
    expect(await announceEndingSoon(env.deps, listing.id, endsAt)).toBe('already');
    await env.deps.db.updateTable('listings').set({ status: 'cancelled' }).where('id', '=', listing.id).execute();
    expect(await announceEndingSoon(env.deps, listing.id, endsAt)).toBe('not_active');
    const stored = await env.http.get(`/v1/listings/${listing.id}/events?after=0`).set(watcher.auth);
    expect(stored.body.items).toEqual([
      expect.objectContaining({ seq: 1, type: 'ending_soon', payload: expect.objectContaining({ secondsRemaining: 60 }) }),
    ]);
  });

  it('coalesces a burst of bid_placed that piled up into one update with fromSeq and the latest state', async () => {
    const listing = await createActiveListing(env.deps, seller.id);
    const w = await openClient(rtA.port, watcher.accessToken);
    okData(await w.ack('subscribe', { listingId: listing.id }));
    const emitter = socketEmitter(env.deps);
    // Complete bid_placed payloads (the contract hook checks every received event against its schema).
    const endsAt = new Date(Date.now() + 60_000).toISOString();
    const placed = (seq: number) => ({ listingId: listing.id, seq, bid: { amountCents: 500 + seq * 50 }, currentPriceCents: 500 + seq * 50, bidCount: seq, endsAt });
    for (let seq = 1; seq <= 6; seq += 1) emitter.to(listingRoom(listing.id)).emit('bid_placed', placed(seq));
    // Both realtime servers share this process: hold the event loop so the burst piles up unread.
    const until = Date.now() + 150;
    while (Date.now() < until);
    emitter.to(listingRoom(listing.id)).emit('auction_extended', { listingId: listing.id, seq: 7, endsAt: new Date().toISOString() });
    await w.waitFor('auction_extended', 1, listing.id);
    const updates = w.events('bid_placed', listing.id);
    expect(updates).toEqual([{ ...placed(6), fromSeq: 1 }]);
  });

  describe('replay cap: nextAfter', () => {
    /** Stores `count` auction_extended events (seqs 1…count) on a fresh active listing. */
    const listingWithEvents = async (count: number) => {
      const listing = await createActiveListing(env.deps, seller.id);
      const endsAt = new Date(Date.now() + 60_000).toISOString();
      const events = Array.from({ length: count }, () => ({ type: 'auction_extended' as const, payload: { endsAt } }));
      await env.deps.db.transaction().execute((trx) => appendListingEvents(trx, listing.id, events));
      return listing;
    };

    /** Seqs the client gets by subscribing after `afterSeq` and then following `nextAfter` through REST. */
    const replayAndFollow = async (listingId: string, afterSeq: number) => {
      const w = await openClient(rtA.port, watcher.accessToken);
      const ack = okData<{ currentSeq: number; replayed: number; nextAfter: number | null }>(
        await w.ack('subscribe', { listingId, afterSeq }),
      );
      const got = seqs(w.events('auction_extended', listingId));
      let next = ack.nextAfter;
      while (next !== null) {
        const page = await env.http.get(`/v1/listings/${listingId}/events?after=${next}&limit=500`).set(watcher.auth);
        expect(page.status).toBe(200);
        got.push(...page.body.items.map((e: { seq: number }) => e.seq));
        next = page.body.nextAfter;
      }
      w.close();
      return { ack, got };
    };

    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

    it('acks nextAfter null when exactly MAX_REPLAY events remain after afterSeq', async () => {
      expect(MAX_REPLAY).toBe(1000);
      const listing = await listingWithEvents(5 + MAX_REPLAY);
      const { ack, got } = await replayAndFollow(listing.id, 5);
      expect(ack).toEqual({ listingId: listing.id, currentSeq: 5 + MAX_REPLAY, replayed: MAX_REPLAY, nextAfter: null });
      expect(got).toEqual(range(6, 5 + MAX_REPLAY));
    });

    it('acks nextAfter at the last replayed seq when MAX_REPLAY + 1 events remain; following it yields every event once', async () => {
      const listing = await listingWithEvents(5 + MAX_REPLAY + 1);
      const { ack, got } = await replayAndFollow(listing.id, 5);
      expect(ack).toEqual({ listingId: listing.id, currentSeq: 5 + MAX_REPLAY + 1, replayed: MAX_REPLAY, nextAfter: 5 + MAX_REPLAY });
      expect(got).toEqual(range(6, 5 + MAX_REPLAY + 1));
    });
  });

  it("tells a subscribed socket nothing more once the seller's account deletion took the listing away: no ending_soon, no auction_started", async () => {
    const leaving = await createUser(env.deps, { displayName: 'Lee' });
    const active = await createActiveListing(env.deps, leaving.id, { endsInMs: 60_000 });
    const scheduled = await createActiveListing(env.deps, leaving.id, { status: 'scheduled', startsAt: new Date(Date.now() + 60_000) });
    await env.deps.db.insertInto('watches').values({ userId: watcher.id, listingId: active.id }).execute();
    const w = await openClient(rtA.port, watcher.accessToken);
    for (const listingId of [active.id, scheduled.id]) okData(await w.ack('subscribe', { listingId }));

    expect((await env.http.delete('/v1/users/me').set(leaving.auth)).status).toBe(204);
    // The jobs scheduled while the listings were live still come (the 60-s event, the 15-min push, the start).
    await env.deps.db
      .updateTable('listings')
      .set({ startsAt: new Date(Date.now() - 1000) })
      .where('id', '=', scheduled.id)
      .execute();
    expect(await announceEndingSoon(env.deps, active.id, active.endsAt!.getTime())).toBe('gone');
    expect(await pushEndingSoon(env.deps, active.id)).toBe(0);
    expect(await openAuction(env.deps, scheduled.id)).toBe('skipped');
    await outboxDrained();
    await new Promise((r) => setTimeout(r, 200));

    expect(w.received.filter((r) => r.payload?.listingId === active.id || r.payload?.listingId === scheduled.id)).toEqual([]);
    const stored = await env.deps.db
      .selectFrom('listingEvents')
      .select('type')
      .where('listingId', 'in', [active.id, scheduled.id])
      .execute();
    expect(stored).toEqual([]);
    const listing = await env.deps.db.selectFrom('listings').select('status').where('id', '=', scheduled.id).executeTakeFirstOrThrow();
    expect(listing.status).toBe('scheduled');
    // Nor does the overdue sweep keep re-driving them (a deleted listing is never opened or closed).
    await env.deps.db
      .updateTable('listings')
      .set({ endsAt: new Date(Date.now() - 1000) })
      .where('id', '=', active.id)
      .execute();
    const { due, starting } = await overdueListings(env.deps);
    const overdue = [...due, ...starting].map((l) => l.id);
    expect(overdue).not.toContain(active.id);
    expect(overdue).not.toContain(scheduled.id);
  });

  it('applies a subscribe and the unsubscribe sent right after it in that order: the socket ends unsubscribed', async () => {
    const listings = await Promise.all([1, 2, 3].map(() => createActiveListing(env.deps, seller.id)));
    const w = await openClient(rtA.port, watcher.accessToken);
    // A feed scrolled fast: each listing comes into view and leaves it before its subscribe is done.
    const acks = listings.flatMap(({ id }) => [
      w.ack('subscribe', { listingId: id, afterSeq: 0 }),
      w.ack('unsubscribe', { listingId: id }),
    ]);
    for (const ack of await Promise.all(acks)) okData(ack);
    const emitter = socketEmitter(env.deps);
    const endsAt = new Date(Date.now() + 60_000).toISOString();
    for (const { id } of listings) emitter.to(listingRoom(id)).emit('auction_extended', { listingId: id, seq: 1, endsAt });
    // A marker through the user room arrives after anything the listing rooms would have delivered.
    emitter.to(`user:${watcher.id}`).emit('outbid', { listingId: listings[0].id, yourMaxBidCents: 600, currentPriceCents: 550 });
    await w.waitFor('outbid');
    await new Promise((r) => setTimeout(r, 100));
    expect(w.events('auction_extended')).toEqual([]);
  });

  it('refuses to subscribe to a missing or draft listing', async () => {
    const w = await openClient(rtA.port, watcher.accessToken);
    const draft = await createActiveListing(env.deps, seller.id, { status: 'draft' });
    for (const listingId of [draft.id, '00000000-0000-4000-8000-000000000000']) {
      const res = await w.ack('subscribe', { listingId });
      expect(res).toMatchObject({ ok: false, error: { status: 404, code: 'not_found' } });
    }
  });
});
