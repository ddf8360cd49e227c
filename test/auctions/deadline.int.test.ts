/**
 * Fairness at the deadline (SPEC §2): bids keep arriving through the last moments and after the
 * end while two close jobs run and a worker process holding work is killed -9. A bid counts iff it
 * was received before endsAt, and the listing is finalized exactly once, after every such bid.
 */
import { randomUUID } from 'node:crypto';
import type { Listing } from '../../db/schema';
import { CLOSE_LEAD_MS, closeJob, listingCloseJob } from '../../src/modules/auctions/auction-jobs';
import { modelView } from '../../src/modules/auctions/engine/reference-model.test-support';
import { bidRequestId } from '../../src/modules/bidding/submit-bid';
import { commissionCents } from '../../src/shared/money';
import { bidRowAudit, decidedCommands, engineConfigOf, replayThroughModel, termsOf } from '../support/bid-replay';
import { postBid, rng, useBiddingOverHttp, type HttpAnswer } from '../support/bidding-http';
import { createActiveListing, eventually } from '../support/fixtures';
import type { TestUser } from '../support/harness';
import type { WorkerProcess } from '../support/worker-process';

const EXTRA = { SOFT_CLOSE_WINDOW_SEC: '0' };
const SEED = Number(process.env.BID_TEST_SEED ?? Date.now() % 100_000);

const ctx = useBiddingOverHttp(12, EXTRA);

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

describe('the deadline while the close runs', () => {
  it(`counts exactly the bids received before endsAt and finalizes once (seed ${SEED})`, async () => {
    const random = rng(SEED);
    // 3 s leaves the setup below (two jobs, the opening bid) time to finish before the firing starts
    // 500 ms before the end, on a slow host too: at 1.5 s a cold start once left only 5 bids before it.
    const listing = (await createActiveListing(ctx.env.deps, ctx.seller.id, { startingPriceCents: 1000, endsInMs: 3000 })) as Listing;
    const endsAt = listing.endsAt!.getTime();
    // Two close jobs for the same end: its second's (as publishing queues it) and one of its own (as the
    // sweep queues it), both due CLOSE_LEAD_MS before the end.
    const closes = [closeJob(listing.endsAt!), listingCloseJob(listing.id, listing.endsAt!, 'copy')];
    for (const close of closes) await ctx.env.deps.queues.auctions.add(close.name, close.data, { jobId: close.jobId, delay: endsAt - CLOSE_LEAD_MS - Date.now() });
    const opening = await postBid(ctx.baseUrl, ctx.bidders[0], listing.id, 2000, 'open');
    expect(opening.status).toBe(201);

    // 30 ms past the end, kill -9 the process running a close job (its close waits for bids in flight).
    const closeIds = closes.map((close) => close.jobId!);
    const closer = async (): Promise<{ worker: WorkerProcess; jobId: string } | undefined> => {
      for (const id of closeIds) {
        const job = await ctx.env.deps.queues.auctions.getJob(id);
        const worker = job?.processedBy && (await job.getState()) === 'active' ? ctx.workers.find((w) => job.processedBy!.endsWith(`-${w.pid}`)) : undefined;
        if (worker) return { worker, jobId: id };
      }
      return undefined;
    };
    let victim: WorkerProcess | undefined;
    let victimJobId: string | undefined;
    let killedAt = 0;
    let killed: Promise<void> | undefined;

    // Fire continuously from 500 ms before the end to 300 ms after it.
    const sent: Array<{ bidder: TestUser; key: string; firedAt: number; answer: Promise<HttpAnswer> }> = [];
    await sleepUntil(endsAt - 500);
    for (let i = 0; Date.now() < endsAt + 300; i += 1) {
      const bidder = random.pick(ctx.bidders);
      const key = `d${SEED}-${i}`;
      sent.push({
        bidder,
        key,
        firedAt: Date.now(),
        answer: postBid(ctx.baseUrl, bidder, listing.id, 2100 + 100 * i + 100 * random.int(-3, 1), key),
      });
      if (!victim && Date.now() >= endsAt + 30) {
        const running = await closer();
        victimJobId = running?.jobId;
        victim = running?.worker ?? ctx.workers[0];
        killedAt = Date.now();
        killed = victim.kill();
      }
      await new Promise((r) => setTimeout(r, 4));
    }
    await killed;
    const answers = await Promise.all(sent.map((s) => s.answer));
    expect(answers.map((a) => a.status).filter((st) => ![201, 202, 409].includes(st))).toEqual([]);
    expect(await victim!.exited).toBe('SIGKILL');

    // Both close jobs complete (a stalled one is retried by the surviving worker); sold exactly once.
    await eventually(async () => (await Promise.all(closeIds.map((id) => ctx.env.deps.queues.auctions.getJobState(id)))).every((st) => st === 'completed'), 20_000, 50);
    const [bySecond, byListing] = await Promise.all(closeIds.map(async (id) => (await ctx.env.deps.queues.auctions.getJob(id))!.returnvalue));
    expect(bySecond).toEqual({ closed: expect.any(Number), skipped: expect.any(Number) });
    // Retried after the kill, the second's job may find the listing already closed by the other: 0.
    expect(bySecond.closed + bySecond.skipped).toBeLessThanOrEqual(1);
    expect(['closed', 'not_active']).toContain(byListing);
    const returned = [bySecond.closed ? 'closed' : 'not_active', byListing];
    // Exactly one close finalized — counting any the sweep may have queued meanwhile.
    const sweepCloses = (await ctx.env.deps.queues.auctions.getJobs(['completed'])).filter(
      (j) => j.name === 'auction.close' && (j.data as { listingId: string }).listingId === listing.id && j.id !== closeIds[1],
    );
    // At most one job reports it: a second's job killed right after its close committed is retried and
    // finds nothing left. Finalized exactly once is checked below (one transaction, one auction_ended).
    expect([...returned, ...sweepCloses.map((j) => j.returnvalue)].filter((r) => r === 'closed').length).toBeLessThanOrEqual(1);
    // The killed process's close job, unless it finished in the instant before the kill landed, was
    // taken over after its lock expired (BullMQ stalled-job check).
    const victimJob = victimJobId ? await ctx.env.deps.queues.auctions.getJob(victimJobId) : undefined;
    if (victimJob && (victimJob.finishedOn ?? 0) > killedAt) expect(victimJob.stalledCounter).toBeGreaterThanOrEqual(1);

    // A bid arriving once the listing is finalized is just as late: the same answer.
    for (const [i, bidder] of ctx.bidders.slice(0, 3).entries()) {
      const late = await postBid(ctx.baseUrl, bidder, listing.id, 10_000_000, `late-${i}`);
      expect({ status: late.status, code: late.body.code }).toEqual({ status: 409, code: 'auction_ended' });
      sent.push({ bidder, key: `late-${i}`, firedAt: Date.now(), answer: Promise.resolve(late) });
    }

    const ids = new Set([bidRequestId(ctx.bidders[0].id, 'open'), ...sent.map((s) => bidRequestId(s.bidder.id, s.key))]);
    const commands = await eventually(async () => {
      const rows = await decidedCommands(ctx.env.deps, listing.id);
      return rows.length >= ids.size ? rows : undefined;
    }, 20_000);
    expect(commands.map((c) => c.requestId).sort()).toEqual([...ids].sort());
    const before = commands.filter((c) => c.receivedAt < endsAt);
    const after = commands.filter((c) => c.receivedAt >= endsAt);
    expect(before.length).toBeGreaterThan(5);
    expect(after.length).toBeGreaterThan(5);

    // Received before the end: decided as if open. At/after: auction_ended, whenever decided.
    const openCodes = new Set(['accepted', 'bid_too_low', 'bid_not_higher']);
    const code = (c: (typeof commands)[number]) => (c.result.ok ? 'accepted' : c.result.error.code);
    expect(before.filter((c) => !openCodes.has(code(c))).map((c) => `${c.requestId}: ${code(c)}`)).toEqual([]);
    expect(after.filter((c) => code(c) !== 'auction_ended').map((c) => `${c.requestId}: ${code(c)}`)).toEqual([]);
    expect(before.filter((c) => c.accepted).length).toBeGreaterThan(3);

    const { model, mismatches } = replayThroughModel(termsOf(listing), engineConfigOf(ctx.env.deps), commands);
    expect(mismatches).toEqual([]);
    const audit = await bidRowAudit(ctx.env.deps, listing.id);
    expect(audit).toMatchObject({ wrongCount: [], outOfOrder: 0, orphanOwnRows: 0 });

    // Sold once, to the model's leader at the model's price, with one transaction and one event.
    const view = modelView(model);
    const final = await ctx.env.deps.db.selectFrom('listings').selectAll().where('id', '=', listing.id).executeTakeFirstOrThrow();
    expect({ status: final.status, winnerId: final.winnerId, endsAt: final.endsAt!.getTime(), price: final.currentPriceCents }).toEqual({
      status: 'ended_sold',
      winnerId: view.leaderId,
      endsAt,
      price: view.priceCents,
    });
    const txs = await ctx.env.deps.db.selectFrom('transactions').selectAll().where('listingId', '=', listing.id).execute();
    expect(txs).toHaveLength(1);
    expect(txs[0]).toMatchObject({
      buyerId: view.leaderId,
      amountCents: view.priceCents,
      commissionCents: commissionCents(view.priceCents, ctx.env.config.fees.commissionBps),
      status: 'pending_payment',
      source: 'auction',
    });
    const events = await ctx.env.deps.db
      .selectFrom('listingEvents')
      .select(['seq', 'type'])
      .where('listingId', '=', listing.id)
      .orderBy('seq')
      .execute();
    expect(events.filter((e) => e.type === 'auction_ended')).toHaveLength(1);
    // The close took the lock after every bid it had to wait for: its event is the last one.
    expect(events[events.length - 1].type).toBe('auction_ended');
    expect(events.filter((e) => e.type === 'bid_placed')).toHaveLength(commands.filter((c) => c.accepted).length);
    process.stderr.write(
      `[deadline] seed ${SEED}: ${before.length} received before the end (${before.filter((c) => c.accepted).length} accepted), ${after.length} after; ` +
        `${answers.filter((a) => a.status === 202).length} answered 202; close jobs returned ${returned.join(', ')}; killed ${victimJobId ? 'a process running a close job' : 'a bids worker (no close job active)'}, its close job's stalled counter ${victimJob?.stalledCounter ?? '-'}\n`,
    );
  }, 60_000);

  it('a duplicate intake of one request keeps the first receipt stamp, so the close still waits for it', async () => {
    // Two retries of one bid (same Idempotency-Key) can both pass the "already queued?" check and
    // both reach the intake script; only the first one's command enters the stream, so its stamp is
    // the receipt time. (No drain job is enqueued here: the command stays undecided.)
    const listingId = randomUUID();
    const intake = { requestId: 'rduplicate', listingId, bidderId: randomUUID(), maxAmountCents: 500 };
    const received = await ctx.env.deps.bidsInFlight.receive(intake);
    const first = received.receivedAt;
    expect(received.entryId).not.toBe('');
    await eventually(async () => (await ctx.env.deps.bidsInFlight.now()) > first + 2, 1000, 1);
    expect(await ctx.env.deps.bidsInFlight.receive(intake)).toEqual({ receivedAt: first, entryId: '', generation: 0 });
    expect(await ctx.env.deps.bidsInFlight.queued(listingId)).toEqual(['rduplicate']);
    // A deadline between the two stamps: the bid counts, so the close must see it as undecided.
    expect((await ctx.env.deps.bidsInFlight.pendingBefore(listingId, first + 1)).pending).toBe(1);
    await ctx.env.deps.bidsInFlight.settle(listingId, ['rduplicate']);
    expect((await ctx.env.deps.bidsInFlight.pendingBefore(listingId, first + 1)).pending).toBe(0);
  });
});
