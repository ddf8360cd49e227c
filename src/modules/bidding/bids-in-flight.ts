import type { Redis } from '../../shared/redis';

/**
 * Receipt stamps and the per-listing set of bids received but not yet decided.
 *
 * Both the stamp and the close's "is it over?" check read Redis's own clock inside one script, so
 * they are totally ordered: once the close sees `now ≥ endsAt` and no undecided bid stamped before
 * `endsAt`, no bid can ever again be stamped before `endsAt`. That is what lets the close finalize
 * without losing a bid that arrived in the last millisecond.
 */
// A request already marked keeps its first stamp: two intakes of one retried request may both get
// here, but only one job (same id) is kept; moving the mark later could hide it from the close.
const STAMP = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local first = redis.call('ZSCORE', KEYS[1], ARGV[1])
if first then return tonumber(first) end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], 86400000)
return now`;

// Every mark stamped before the end counts, however old: a bid whose job waited out a long worker
// outage is still in time (SPEC §2). Only `clearAbandoned` removes a mark that no job will decide.
const PENDING_BEFORE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local endsAt = tonumber(ARGV[1])
if now < endsAt then return {now, -1} end
local count = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. endsAt)
return {now, count}`;

/**
 * An intake stamps, then enqueues within milliseconds. A mark this old with no job behind it belongs
 * to an intake that died in between (or its enqueue failed and the settle did too): nothing will
 * ever decide it, so the close stops waiting for it. Generous, so a paused intake is never mistaken.
 */
export const INTAKE_GRACE_MS = 30_000;

/** BullMQ states of a bid job that will still be decided (anything else: completed, failed, gone). */
const WILL_RUN = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/** The state of the bid job with this id in the `bids` queue (BullMQ's `getJobState`). */
export type BidJobState = (requestId: string) => Promise<string>;

export class BidsInFlight {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly jobState?: BidJobState,
  ) {}

  private key(listingId: string): string {
    return `${this.prefix}:bids-in-flight:${listingId}`;
  }

  /** Stamps the receipt time (Redis clock, epoch ms) and marks the bid undecided. */
  async stamp(listingId: string, requestId: string): Promise<number> {
    return Number(await this.redis.eval(STAMP, 1, this.key(listingId), requestId));
  }

  /** Request ids still marked undecided that were stamped before `endsAt`. */
  async undecidedBefore(listingId: string, endsAt: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.key(listingId), '-inf', `(${endsAt}`);
  }

  /** Marks bids decided (after their transaction committed). */
  async settle(listingId: string, requestIds: string[]): Promise<void> {
    if (requestIds.length) await this.redis.zrem(this.key(listingId), ...requestIds);
  }

  /**
   * Redis time now and how many bids stamped before `endsAt` are still undecided; count is -1 while
   * the deadline has not passed yet.
   */
  async pendingBefore(listingId: string, endsAt: number): Promise<{ now: number; pending: number }> {
    const [now, pending] = (await this.redis.eval(PENDING_BEFORE, 1, this.key(listingId), String(endsAt))) as [number, number];
    return { now: Number(now), pending: Number(pending) };
  }

  /**
   * Clears marks (stamped before `endsAt`) that no job will ever decide: older than the intake grace
   * and with no waiting, delayed or active job behind them. Returns the request ids cleared. A mark
   * with a job is kept however old it is, so a worker outage only delays the close.
   */
  async clearAbandoned(listingId: string, endsAt: number): Promise<string[]> {
    if (!this.jobState) return [];
    const now = await this.now();
    const old = await this.redis.zrangebyscore(this.key(listingId), '-inf', `(${Math.min(endsAt, now - INTAKE_GRACE_MS)}`);
    const states = await Promise.all(old.map((id) => this.jobState!(id)));
    const abandoned = old.filter((_, i) => !WILL_RUN.has(states[i]));
    await this.settle(listingId, abandoned);
    return abandoned;
  }

  /** Redis server time in epoch ms: the one clock receipt stamps and deadlines are compared on. */
  async now(): Promise<number> {
    const [sec, micro] = await this.redis.time();
    return Number(sec) * 1000 + Math.floor(Number(micro) / 1000);
  }
}
