/**
 * 1,000 concurrent bids on one listing over HTTP, decided by TWO real worker processes, one of
 * which is killed -9 mid-run. Whatever the interleaving, the stored outcome must be exactly what the
 * independent reference model says for the commands in the order they were decided.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Listing } from '../../db/schema';
import type { BidResult } from '../../src/modules/bidding/bid-results';
import { modelIncrement, modelBid, modelStart, modelView } from '../../src/modules/auctions/engine/reference-model.test-support';
import { bidRequestId } from '../../src/modules/bidding/submit-bid';
import { bidRowAudit, decidedCommands, engineConfigOf, replayThroughModel, stateVsModel, termsOf } from '../support/bid-replay';
import { postBidRetrying503, rng, runLanes, useBiddingOverHttp, type HttpAnswer } from '../support/bidding-http';
import { createActiveListing, eventually } from '../support/fixtures';
import type { TestUser } from '../support/harness';
import type { WorkerProcess } from '../support/worker-process';

const BIDDERS = 50;
const COMMANDS = 1000;
const DUPLICATES = 50;
const LANES = 100;
const KILL_AFTER = 300;
const SEED = Number(process.env.BID_TEST_SEED ?? Date.now() % 100_000);

const ctx = useBiddingOverHttp(BIDDERS);

interface Sent {
  key: string;
  bidder: TestUser;
  max: number;
  answers: HttpAnswer[];
}

describe('1,000 concurrent bids, two worker processes, one killed mid-run', () => {
  it(`stores each command once and decides exactly as the reference model does (seed ${SEED})`, async () => {
    const listing = (await createActiveListing(ctx.env.deps, ctx.seller.id, {
      startingPriceCents: 1000,
      reservePriceCents: 20_000,
      endsInMs: 3_600_000,
    })) as Listing;
    const random = rng(SEED);
    const byId = new Map(ctx.bidders.map((b) => [b.id, b]));
    const duplicated = new Set<number>();
    while (duplicated.size < DUPLICATES) duplicated.add(random.int(0, COMMANDS - 1));

    // The generator aims around the rising price, read back from the row while bids fly.
    let snap = { price: listing.startingPriceCents, leaderId: null as string | null, leaderMax: 0 };
    let running = true;
    const watcher = (async () => {
      while (running) {
        const row = await ctx.env.deps.db
          .selectFrom('listings')
          .select(['currentPriceCents', 'leaderId', 'leaderMaxCents'])
          .where('id', '=', listing.id)
          .executeTakeFirstOrThrow();
        snap = { price: row.currentPriceCents, leaderId: row.leaderId, leaderMax: row.leaderMaxCents ?? 0 };
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // Lanes take commands in index order, so maxima that follow a rising ladder (one increment per
    // command) arrive roughly in order: a good share is accepted, neighbours overtake each other.
    const ladder = [listing.startingPriceCents];
    for (let i = 1; i < COMMANDS; i += 1) ladder.push(ladder[i - 1] + modelIncrement(ladder[i - 1]));
    const nextCommand = (i: number): { bidder: TestUser; max: number } => {
      const { price, leaderId, leaderMax } = snap;
      const step = modelIncrement(price);
      const others = ctx.bidders.filter((b) => b.id !== leaderId);
      const r = random.next();
      if (leaderId && r < 0.12) return { bidder: byId.get(leaderId)!, max: leaderMax + step * random.int(0, 3) }; // raise (0 → not higher)
      if (leaderId && r < 0.24) return { bidder: random.pick(others), max: leaderMax }; // tie with the leader's maximum
      if (r < 0.34) return { bidder: random.pick(others), max: Math.max(1, price - step * random.int(0, 2)) }; // too low
      return { bidder: random.pick(ctx.bidders), max: ladder[i] + modelIncrement(ladder[i]) * random.int(-6, 3) };
    };

    const sent: Sent[] = [];
    let answered = 0;
    // After KILL_AFTER answers, kill -9 a worker process while it holds the listing's drain job:
    // freeze it first (SIGSTOP), so the job it holds is known and cannot complete before the kill lands.
    let killing: Promise<{ victim: WorkerProcess; held: string[] }> | undefined;
    const killWhileHolding = async () => {
      for (let attempt = 0; ; attempt += 1) {
        const victim = ctx.workers[attempt % 2];
        victim.freeze();
        // Commands the process wrote just before SIGSTOP (e.g. completing a job) are still reaching
        // Redis; let them land so "held" lists only jobs it really still holds.
        await new Promise((r) => setTimeout(r, 50));
        const held = (await ctx.env.deps.queues.bids.getActive())
          .filter((j) => j.processedBy?.endsWith(`-${victim.pid}`))
          .map((j) => j.id!);
        if (held.length > 0 || attempt >= 200) {
          await victim.kill();
          return { victim, held };
        }
        victim.thaw();
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const started = Date.now();
    try {
      await runLanes(COMMANDS, LANES, async (i) => {
        const { bidder, max } = nextCommand(i);
        const key = `k${SEED}-${i}`;
        const copies = duplicated.has(i) ? 2 : 1;
        const answers = await Promise.all(Array.from({ length: copies }, () => postBidRetrying503(ctx.baseUrl, bidder, listing.id, max, key)));
        sent.push({ key, bidder, max, answers });
        answered += 1;
        if (answered === KILL_AFTER) killing = killWhileHolding();
      });
    } finally {
      running = false; // a failed request must not leave the watcher polling forever
      await watcher;
    }
    const httpMs = Date.now() - started;

    // The killed worker is really gone, and the other one drained every command (202s included).
    const { victim, held } = await killing!;
    expect(await victim.exited).toBe('SIGKILL');
    // HTTP answers first (a 503 was retried with its key): a command still refused with a 5xx says nothing to wait for.
    const statuses = sent.flatMap((s) => s.answers.map((a) => a.status));
    expect(statuses.filter((st) => ![201, 202, 409].includes(st))).toEqual([]);
    const requestIds = new Set(sent.map((s) => bidRequestId(s.bidder.id, s.key)));
    const stored = await eventually(
      async () => {
        const rows = await decidedCommands(ctx.env.deps, listing.id);
        return rows.length >= requestIds.size ? rows : undefined;
      },
      30_000,
      100,
    ).catch(async (err: Error) => {
      // Say where the missing commands are: still queued (no drain ran them) or gone from Redis.
      const rows = await decidedCommands(ctx.env.deps, listing.id);
      const queued = await ctx.env.deps.bidsInFlight.queued(listing.id);
      const active = (await ctx.env.deps.queues.bids.getJobs(['active', 'wait', 'delayed'])).map((j) => `${j.id}@${j.processedBy ?? '-'}`);
      throw new Error(`${err.message}: ${rows.length}/${requestIds.size} decided, ${queued.length} in the stream, jobs ${active.join(' ') || 'none'}, killed pid ${victim.pid}`);
    });
    const byRequest = new Map(stored.map((c) => [c.requestId, c]));
    expect(stored).toHaveLength(COMMANDS);
    expect([...requestIds].filter((id) => !byRequest.has(id))).toEqual([]);

    // HTTP answers: each decided answer is the stored outcome; duplicates answer alike.
    const disagreements: string[] = [];
    for (const s of sent) {
      const command = byRequest.get(bidRequestId(s.bidder.id, s.key))!;
      for (const a of s.answers) {
        if (a.status === 202) {
          if (a.body.requestId !== command.requestId) disagreements.push(`${s.key}: 202 for ${a.body.requestId}`);
        } else if (a.status === 201) {
          if (!command.accepted || !isDeepStrictEqual(a.body, (command.result as Extract<BidResult, { ok: true }>).data)) {
            disagreements.push(`${s.key}: 201 but stored ${JSON.stringify(command.result)}`);
          }
        } else if (command.accepted || a.body.code !== (command.result as Extract<BidResult, { ok: false }>).error.code) {
          disagreements.push(`${s.key}: ${a.status} ${a.body.code} but stored ${JSON.stringify(command.result)}`);
        }
      }
      const decided = s.answers.filter((a) => a.status !== 202);
      if (decided.length === 2 && (decided[0].status !== decided[1].status || !isDeepStrictEqual(decided[0].body, decided[1].body))) {
        disagreements.push(`${s.key}: duplicates answered ${decided[0].status} and ${decided[1].status}`);
      }
    }
    expect(disagreements).toEqual([]);

    // One own bid row per accepted command, none per refused; own seqs rise in decision order.
    const audit = await bidRowAudit(ctx.env.deps, listing.id);
    expect(audit).toEqual({ wrongCount: [], outOfOrder: 0, orphanOwnRows: 0, commands: COMMANDS });

    // Every command replayed through the model in decision order gets the same answer.
    const cfg = engineConfigOf(ctx.env.deps);
    const { model, mismatches } = replayThroughModel(termsOf(listing), cfg, stored);
    expect(mismatches).toEqual([]);
    const final = (await ctx.env.deps.db
      .selectFrom('listings')
      .selectAll()
      .where('id', '=', listing.id)
      .executeTakeFirstOrThrow()) as Listing;
    const compared = stateVsModel(final, model);
    expect(compared.stored).toEqual(compared.model);
    expect(final.bidCount).toBe(stored.filter((c) => c.accepted).length);

    // The accepted bids alone, applied in commit order (their own bids.seq), give the same auction.
    const own = await ctx.env.deps.db
      .selectFrom('bids')
      .select(['bidderId', 'maxAmountCents', 'receivedAt', 'seq'])
      .where('listingId', '=', listing.id)
      .where('isAutoBid', '=', false)
      .orderBy('seq')
      .execute();
    let accepted = modelStart(termsOf(listing));
    for (const b of own) {
      const step = modelBid(accepted, cfg, b.bidderId, b.maxAmountCents, b.receivedAt.getTime());
      expect(step.result.ok).toBe(true);
      accepted = step.model;
    }
    expect({ price: modelView(accepted).priceCents, leader: modelView(accepted).leaderId }).toEqual({
      price: final.currentPriceCents,
      leader: final.leaderId,
    });

    // The drain job the killed process held was taken over by the survivor (BullMQ's stalled-job
    // check) and ran to completion; bids kept being drained meanwhile by later drain jobs.
    expect(held.length).toBeGreaterThan(0);
    const heldJobs = await Promise.all(held.map((id) => ctx.env.deps.queues.bids.getJob(id)));
    expect(heldJobs.map((j) => [j!.id, j!.name, j!.stalledCounter])).toEqual(held.map((id) => [id, 'bid.drain', 1]));
    await eventually(async () => (await Promise.all(heldJobs.map((j) => j!.getState()))).every((st) => st === 'completed'), 10_000);
    const recovered = held.length;
    const drainJobs = (await ctx.env.deps.queues.bids.getJobCounts('completed', 'failed', 'active', 'wait')) as Record<string, number>;

    // The run exercised what it claims to: raises, ties, refusals of both kinds, reserve crossed.
    const codes = stored.map((c) => (c.result.ok ? 'accepted' : c.result.error.code));
    const count = (code: string) => codes.filter((c) => c === code).length;
    process.stderr.write(
      `[concurrency] seed ${SEED}: ${COMMANDS} commands (+${DUPLICATES} duplicates) over HTTP in ${httpMs} ms; ` +
        `${count('accepted')} accepted, ${statuses.filter((st) => st === 202).length} answered 202, the killed worker held ${held.length} drain jobs, ${recovered} recovered; drain jobs ${JSON.stringify(drainJobs)}; ${count('bid_too_low')} too low, ${count('bid_not_higher')} not higher; final ${final.currentPriceCents}\n`,
    );
    expect(count('accepted')).toBeGreaterThan(100);
    expect(count('bid_too_low')).toBeGreaterThan(50);
    expect(count('bid_not_higher')).toBeGreaterThan(0);
    let replayed = modelStart(termsOf(listing));
    let acceptedTies = 0;
    for (const c of stored) {
      const top = modelView(replayed).ranking[0];
      if (c.accepted && top && top.bidderId !== c.bidderId && top.max === c.maxAmountCents) acceptedTies += 1;
      replayed = modelBid(replayed, cfg, c.bidderId, c.maxAmountCents, c.receivedAt).model;
    }
    expect(acceptedTies).toBeGreaterThan(0);
    expect(final.reserveMet).toBe(true);

    // Nothing is left marked in flight once every command is decided.
    await eventually(
      async () => (await ctx.env.deps.redis.zcard(`${ctx.env.config.redisPrefix}:bids-in-flight:${listing.id}`)) === 0,
      10_000,
    );
  }, 90_000);
});
