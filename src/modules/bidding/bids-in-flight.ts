import { RedisScript, type Redis } from '../../shared/redis';
import { DrainWakeups } from './drain-wakeups';

/**
 * Receipt stamps, the per-listing set of bids received but not yet decided, and the per-listing
 * stream of bid commands waiting for their listing's drain job.
 *
 * Both the stamp and the close's "is it over?" check read Redis's own clock inside one script, so
 * they are totally ordered: once the close sees `now ≥ endsAt` and no undecided bid stamped before
 * `endsAt`, no bid can ever again be stamped before `endsAt`. That is what lets the close finalize
 * without losing a bid that arrived in the last millisecond.
 *
 * The stream holds only undecided commands, in stamp order (the stamp and the XADD happen in one
 * script). A listing's drain flag names the one drain job that is reading it; whoever appends to a
 * stream with no flag claims it and must enqueue that job. A drain deletes the flag only when it
 * finds the stream empty, atomically, so an appended command always has a drain job coming.
 */

/**
 * How long a drain claim lasts unless its drain renews it (every round does). A claim whose job
 * died with its worker, gave up, or was never enqueued (the intake died) blocks new drain jobs for
 * at most this long: the next bid after it claims a new drain. Two drains of one listing at once
 * (a lapsed claim whose job is merely slow) are harmless: each reads the oldest undecided commands
 * and decides under the listing's row lock, and decided ones answer their stored outcome.
 */
export const DRAIN_CLAIM_MS = 5_000;
const DAY_MS = 86_400_000;

// A request already marked keeps its first stamp and adds nothing: the first intake's command is
// in the stream (or decided); moving the mark later could hide it from the close.
// A drain may be waiting on an empty stream (it keeps its claim a moment, see `drain-wakeups.ts`):
// the first command appended behind a held claim wakes it.
// KEYS: marks, stream, drain flag, drain generation counter, listing id (a wake-up's message).
// ARGV: requestId, bidderId, maxAmountCents, claim ms, wake channel. Returns {receivedAt, entryId|'', generation|0}.
const RECEIVE = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local first = redis.call('ZSCORE', KEYS[1], ARGV[1])
if first then return {tonumber(first), '', 0} end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ${DAY_MS})
local id = redis.call('XADD', KEYS[2], '*', 'requestId', ARGV[1], 'bidderId', ARGV[2], 'maxAmountCents', ARGV[3], 'receivedAt', now)
redis.call('PEXPIRE', KEYS[2], ${DAY_MS})
local gen = 0
if redis.call('EXISTS', KEYS[3]) == 0 then
  gen = redis.call('INCR', KEYS[4])
  redis.call('SET', KEYS[3], gen, 'PX', ARGV[4])
elseif redis.call('XLEN', KEYS[2]) == 1 then
  redis.call('PUBLISH', ARGV[5], KEYS[5])
end
return {now, id, gen}`);

// A command whose stamp was taken already (ARGV[4]); no mark. KEYS as RECEIVE; ARGV[5] claim ms,
// ARGV[6] wake channel. Returns generation|0.
const APPEND = new RedisScript(`
redis.call('XADD', KEYS[2], '*', 'requestId', ARGV[1], 'bidderId', ARGV[2], 'maxAmountCents', ARGV[3], 'receivedAt', ARGV[4])
redis.call('PEXPIRE', KEYS[2], ${DAY_MS})
if redis.call('EXISTS', KEYS[3]) == 1 then
  if redis.call('XLEN', KEYS[2]) == 1 then redis.call('PUBLISH', ARGV[6], KEYS[5]) end
  return 0
end
local gen = redis.call('INCR', KEYS[4])
redis.call('SET', KEYS[3], gen, 'PX', ARGV[5])
return gen`);

// Takes back what RECEIVE added (the drain job could not be enqueued, or the retry was decided
// already). The flag is released only when it is ours; with ARGV[4] = '1' it is kept (returns 1:
// the caller must still enqueue the drain) when other intakes appended behind our claim.
// KEYS: marks, stream, flag. ARGV: requestId, entryId, generation, keep-if-queued.
const UNDO = new RedisScript(`
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('XDEL', KEYS[2], ARGV[2])
if ARGV[3] == '0' or redis.call('GET', KEYS[3]) ~= ARGV[3] then return 0 end
if ARGV[4] == '1' and redis.call('XLEN', KEYS[2]) > 0 then return 1 end
redis.call('DEL', KEYS[3])
return 0`);

// One drain round: the oldest commands, renewing the claim (or taking it back if it lapsed); none
// left → the flag is dropped (when ours) in the same script, so a later append claims a new drain.
// With a keep time (ARGV[4] > 0) a drain about to wait for more keeps its claim that long instead,
// or learns (-1) that another drain holds it.
// KEYS: stream, flag. ARGV: count, generation, claim ms, keep ms.
const NEXT = new RedisScript(`
local entries = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', ARGV[1])
local holder = redis.call('GET', KEYS[2])
local ours = holder == ARGV[2] or not holder
if #entries > 0 then
  if ours then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
  return entries
end
redis.call('DEL', KEYS[1]) -- an empty stream key would otherwise linger until it expires
if tonumber(ARGV[4]) > 0 then
  if not ours then return -1 end
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
elseif holder == ARGV[2] then
  redis.call('DEL', KEYS[2])
end
return entries`);

// Claims the drain of a stream that has commands but no drain (its job gave up, or an intake died
// between its script and its enqueue). KEYS: stream, flag, counter. ARGV: claim ms. Returns gen|0.
const KICK = new RedisScript(`
if redis.call('XLEN', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local gen = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[2], gen, 'PX', ARGV[1])
return gen`);

// A drain that used up its time slice hands the stream to a new drain job: a new claim, unless the
// stream is empty (-1: the drain just goes on and finishes) or another drain holds the claim (0).
// KEYS: stream, flag, counter. ARGV: generation, claim ms.
const HAND_OVER = new RedisScript(`
if redis.call('XLEN', KEYS[1]) == 0 then return -1 end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return 0 end
local gen = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[2], gen, 'PX', ARGV[2])
return gen`);

// Every mark stamped before the end counts, however old: a bid whose command waited out a long
// worker outage is still in time (SPEC §2). Only `clearAbandoned` removes a mark nothing will decide.
const PENDING_BEFORE = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local endsAt = tonumber(ARGV[1])
if now < endsAt then return {now, -1} end
local count = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. endsAt)
return {now, count}`);

// Every mark is a bid received by now and not yet decided (a settled mark's decision has committed).
// One script, so the count is as of the returned time. KEYS: marks. Returns {now, count}.
const UNDECIDED_NOW = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return {now, redis.call('ZCARD', KEYS[1])}`);

/**
 * A mark with no command in the stream is decided (the drain settles right after its commit) or
 * was taken back; this old, it is abandoned (a mark written by something else than the intake
 * script, e.g. an older version during a deploy). Generous, so nothing in progress is mistaken.
 */
export const INTAKE_GRACE_MS = 30_000;

/** A bid command as the intake receives it (its stamp is taken by Redis). */
export interface BidIntake {
  requestId: string;
  listingId: string;
  bidderId: string;
  maxAmountCents: number;
}

/** A bid command with its receipt stamp (epoch ms, Redis clock) that orders a listing's bids. */
export interface BidCommand extends BidIntake {
  receivedAt: number;
}

export interface Received {
  receivedAt: number;
  /** The stream entry added ('' when the request was already in flight: nothing was added). */
  entryId: string;
  /** > 0 when this intake claimed the listing's drain: it must enqueue `bid.drain` with it. */
  generation: number;
}

/** A command read from a listing's stream (`command` undefined when the entry is malformed). */
export interface StreamEntry {
  entryId: string;
  command?: BidCommand;
}

/** Enqueues the listing's `bid.drain` job for this generation (wired by the composition root). */
export type EnqueueDrain = (listingId: string, generation: number) => Promise<unknown>;

type RawEntry = [string, string[]];

export class BidsInFlight {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly enqueueDrain?: EnqueueDrain,
  ) {}

  private key(listingId: string): string {
    return `${this.prefix}:bids-in-flight:${listingId}`;
  }

  private streamKey(listingId: string): string {
    return `${this.prefix}:bid-stream:${listingId}`;
  }

  private flagKey(listingId: string): string {
    return `${this.prefix}:bid-drain:${listingId}`;
  }

  private get counterKey(): string {
    return `${this.prefix}:bid-drain-generation`;
  }

  /**
   * One round trip: stamps the receipt (Redis clock), marks the bid undecided, appends it to the
   * listing's stream and claims the listing's drain if none is running.
   */
  async receive(command: BidIntake): Promise<Received> {
    const keys = this.intakeKeys(command.listingId);
    const [receivedAt, entryId, generation] = (await RECEIVE.run(this.redis, keys, [
      command.requestId,
      command.bidderId,
      command.maxAmountCents,
      DRAIN_CLAIM_MS,
      DrainWakeups.channel(this.prefix),
    ])) as [number, string, number];
    return { receivedAt: Number(receivedAt), entryId, generation: Number(generation) };
  }

  /**
   * Appends a command stamped elsewhere (no mark): replaying chosen stamps in tests, or re-queueing
   * a command by hand. Returns the drain generation to enqueue, 0 if a drain is running.
   */
  async append(command: BidCommand): Promise<number> {
    const keys = this.intakeKeys(command.listingId);
    const args = [command.requestId, command.bidderId, command.maxAmountCents, command.receivedAt, DRAIN_CLAIM_MS].map(String);
    return Number(await APPEND.run(this.redis, keys, [...args, DrainWakeups.channel(this.prefix)]));
  }

  private intakeKeys(listingId: string): string[] {
    return [this.key(listingId), this.streamKey(listingId), this.flagKey(listingId), this.counterKey, listingId];
  }

  /**
   * Takes back a receipt: its mark, its stream entry, and its drain claim. With `keepClaimIfQueued`,
   * a claim other commands now wait behind is kept and true returned: the caller enqueues the drain.
   */
  async undo(listingId: string, requestId: string, received: Received, keepClaimIfQueued = false): Promise<boolean> {
    if (!received.entryId) return false;
    const keys = [this.key(listingId), this.streamKey(listingId), this.flagKey(listingId)];
    const args = [requestId, received.entryId, String(received.generation), keepClaimIfQueued ? '1' : '0'];
    return Number(await UNDO.run(this.redis, keys, args)) === 1;
  }

  /** The next commands of the listing's stream for its drain job; none means the drain is over (its claim is dropped). */
  async next(listingId: string, generation: number, count: number): Promise<StreamEntry[]> {
    return (await this.read(listingId, generation, count, 0)) ?? [];
  }

  /**
   * As `next`, for a drain that will wait for more when there is nothing: it keeps its claim for
   * `keepMs` instead of dropping it. Undefined when the stream is empty and another drain holds the
   * claim (this one should end).
   */
  async nextOrKeepClaim(listingId: string, generation: number, count: number, keepMs: number): Promise<StreamEntry[] | undefined> {
    return this.read(listingId, generation, count, Math.max(1, Math.round(keepMs)));
  }

  private async read(listingId: string, generation: number, count: number, keepMs: number): Promise<StreamEntry[] | undefined> {
    const keys = [this.streamKey(listingId), this.flagKey(listingId)];
    const args = [count, generation, DRAIN_CLAIM_MS, keepMs].map(String);
    const raw = (await NEXT.run(this.redis, keys, args)) as RawEntry[] | number;
    if (typeof raw === 'number') return undefined;
    return raw.map(([entryId, fields]) => ({ entryId, command: commandOf(listingId, fields) }));
  }

  /**
   * Puts back a command Redis lost (a FLUSHALL, a restart without data) with its original stamp: the
   * mark (unless one is there), the stream entry, and a drain claim when none is running. Returns
   * the drain generation to enqueue, 0 if a drain is running.
   */
  async restore(command: BidCommand): Promise<number> {
    await this.redis.zadd(this.key(command.listingId), 'NX', command.receivedAt, command.requestId);
    return this.append(command);
  }

  /** Removes decided commands from the listing's stream. */
  async remove(listingId: string, entryIds: string[]): Promise<void> {
    if (entryIds.length) await this.redis.xdel(this.streamKey(listingId), ...entryIds);
  }

  /** Request ids of the commands still waiting in the listing's stream. */
  async queued(listingId: string): Promise<string[]> {
    const raw = (await this.redis.xrange(this.streamKey(listingId), '-', '+')) as RawEntry[];
    return raw.map(([, fields]) => fieldsOf(fields).requestId ?? '');
  }

  /** Whether the request is marked undecided (received, and not yet decided). */
  async isUndecided(listingId: string, requestId: string): Promise<boolean> {
    return (await this.redis.zscore(this.key(listingId), requestId)) !== null;
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
    const [now, pending] = (await PENDING_BEFORE.run(this.redis, [this.key(listingId)], [endsAt])) as [number, number];
    return { now: Number(now), pending: Number(pending) };
  }

  /**
   * Redis time now and how many of the listing's bids received by then are still undecided (a seller's
   * cancel must not discard them).
   */
  async undecidedNow(listingId: string): Promise<{ now: number; undecided: number }> {
    const [now, undecided] = (await UNDECIDED_NOW.run(this.redis, [this.key(listingId)], [])) as [number, number];
    return { now: Number(now), undecided: Number(undecided) };
  }

  /**
   * Clears marks (stamped before `endsAt`) that nothing will ever decide: older than the intake
   * grace and with no command in the listing's stream. Returns the request ids cleared. A mark with
   * a command is kept however old it is, so a worker outage only delays the close. First, if the
   * stream holds commands and no drain is claimed any more (its job gave up, or the intake that
   * claimed it died before enqueueing), a drain is enqueued: the close never waits on nobody.
   */
  async clearAbandoned(listingId: string, endsAt: number): Promise<string[]> {
    await this.ensureDrain(listingId);
    const now = await this.now();
    const old = await this.redis.zrangebyscore(this.key(listingId), '-inf', `(${Math.min(endsAt, now - INTAKE_GRACE_MS)}`);
    if (old.length === 0) return [];
    const queued = new Set(await this.queued(listingId));
    const abandoned = old.filter((id) => !queued.has(id));
    await this.settle(listingId, abandoned);
    return abandoned;
  }

  /** Enqueues a drain for the listing's stream if it has commands and no drain is claimed. */
  async ensureDrain(listingId: string): Promise<number> {
    const keys = [this.streamKey(listingId), this.flagKey(listingId), this.counterKey];
    const generation = Number(await KICK.run(this.redis, keys, [DRAIN_CLAIM_MS]));
    if (generation > 0) await this.enqueueDrain?.(listingId, generation);
    return generation;
  }

  /**
   * Hands the listing's stream from the drain `generation` to a new drain job (enqueued here). False
   * when the stream is empty: the drain goes on and finishes it.
   */
  async handOver(listingId: string, generation: number): Promise<boolean> {
    const keys = [this.streamKey(listingId), this.flagKey(listingId), this.counterKey];
    const next = Number(await HAND_OVER.run(this.redis, keys, [generation, DRAIN_CLAIM_MS]));
    if (next > 0) await this.enqueueDrain?.(listingId, next);
    return next >= 0;
  }

  /** Redis server time in epoch ms: the one clock receipt stamps and deadlines are compared on. */
  async now(): Promise<number> {
    const [sec, micro] = await this.redis.time();
    return Number(sec) * 1000 + Math.floor(Number(micro) / 1000);
  }
}

function fieldsOf(fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]] = fields[i + 1];
  return out;
}

/** The command an entry carries, or undefined if it is malformed (only the intake scripts write these). */
function commandOf(listingId: string, fields: string[]): BidCommand | undefined {
  const f = fieldsOf(fields);
  const maxAmountCents = Number(f.maxAmountCents);
  const receivedAt = Number(f.receivedAt);
  if (!f.requestId || !f.bidderId || !Number.isSafeInteger(maxAmountCents) || maxAmountCents <= 0) return undefined;
  if (!Number.isSafeInteger(receivedAt) || receivedAt < 0) return undefined;
  return { requestId: f.requestId, listingId, bidderId: f.bidderId, maxAmountCents, receivedAt };
}
