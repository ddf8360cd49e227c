import type { Platform } from '../../shared/platform';
import { enqueue, jobId, type Queues } from '../../shared/jobs';
import type { BidResult, BidResults } from './bid-results';
import type { BidCommand, BidsInFlight, StreamEntry } from './bids-in-flight';
import { socketEmitter } from '../../shared/socket-emitter';
import { userRoom } from '../../shared/rooms';
import { decideBids } from './decide-bids';
import type { DrainWakeups } from './drain-wakeups';
import { bidBatchSize, observeStage } from '../../shared/bid-stage-metrics';

/** What a listing's drain needs: the platform slice plus the bidding module's own services. */
export type BidDrainDeps = Pick<Platform, 'db' | 'config' | 'logger' | 'redis'> & {
  bidsInFlight: BidsInFlight;
  bidResults: BidResults;
  /** Present in the workers process: lets a drain that ran dry wait for the next command. */
  drainWakeups?: DrainWakeups;
};

const MAX_BATCH = 200;
/**
 * A drain hands its listing to a new drain job after this long, so a listing that never stops
 * receiving bids does not hold one job forever: a worker stopping gracefully (deploys) waits at most
 * this long for it, and other listings' drains get their turn when the workers are saturated.
 */
const DRAIN_SLICE_MS = 2000;

/**
 * Enqueues the drain job of a listing's bid stream. The generation (one per claim of the drain
 * flag) is in the job id: a fixed id would be dropped by BullMQ while the previous drain job of the
 * listing still exists, leaving a claim with no job.
 */
export function enqueueDrain(queues: Queues, listingId: string, generation: number) {
  return enqueue(queues, 'bid.drain', { listingId, generation }, { jobId: jobId('bid-drain', listingId, generation) });
}

/**
 * The `bid.drain` job: decides the listing's waiting bid commands, oldest first, up to MAX_BATCH per
 * transaction (one lock, one commit), until the stream is empty; then the drain flag is dropped in
 * the same script that found it empty. One drain per listing at a time (the flag), so a listing's
 * bids are decided in stamp order and a hot listing is not a convoy of transactions fighting for
 * its row lock. Commands are removed from the stream only after their batch committed: a drain
 * killed midway is re-run by BullMQ and decided commands answer their stored outcome.
 */
export async function drainBids(deps: BidDrainDeps, listingId: string, generation: number): Promise<number> {
  let decided = 0;
  const pickedUp = Date.now();
  let idleSince = pickedUp;
  for (;;) {
    if (Date.now() - pickedUp >= DRAIN_SLICE_MS && (await deps.bidsInFlight.handOver(listingId, generation))) return decided;
    const entries = await nextOrWait(deps, listingId, generation, idleSince);
    if (entries === 'done') return decided;
    if (entries.length === 0) continue;
    await decideEntries(deps, listingId, entries, pickedUp);
    decided += entries.length;
    idleSince = Date.now();
  }
}

/**
 * The next commands; when there are none, waits (up to BID_DRAIN_LINGER_MS since the drain last
 * decided something) for the next one with the claim kept, so a listing bid on every few hundred
 * milliseconds is served by one drain instead of a BullMQ job per bid. [] after a wait: read again.
 */
async function nextOrWait(deps: BidDrainDeps, listingId: string, generation: number, idleSince: number): Promise<StreamEntry[] | 'done'> {
  const lingerLeft = deps.config.timing.bidDrainLingerMs - (Date.now() - idleSince);
  // Taken before the read, so a wake-up published between the read and the wait is not missed.
  const watch = lingerLeft > 0 ? deps.drainWakeups?.watch(listingId) : undefined;
  if (!watch) {
    const entries = await deps.bidsInFlight.next(listingId, generation, MAX_BATCH);
    return entries.length ? entries : 'done';
  }
  try {
    // The claim outlives the wait by a margin, so it never lapses while this drain is alive.
    const entries = await deps.bidsInFlight.nextOrKeepClaim(listingId, generation, MAX_BATCH, lingerLeft + CLAIM_MARGIN_MS);
    if (!entries) return 'done';
    if (entries.length === 0) await watch.wait(lingerLeft);
    return entries;
  } finally {
    watch.close();
  }
}

/** How long a waiting drain's claim outlasts its wait (an event loop stalled longer only risks a second drain, which is harmless). */
const CLAIM_MARGIN_MS = 1000;

/** `pickedUp`: when the drain job started (Date.now()). */
async function decideEntries(deps: BidDrainDeps, listingId: string, entries: StreamEntry[], pickedUp: number): Promise<void> {
  const commands = uniqueCommands(deps, listingId, entries);
  const entryIds = entries.map((e) => e.entryId);
  if (commands.length === 0) return deps.bidsInFlight.remove(listingId, entryIds);
  // Queue wait: stamp (Redis clock) → a drain job is running for the listing, including any time
  // no worker was; batch wait: from then until its batch starts, behind the drain's earlier batches.
  const startedAt = Date.now();
  for (const c of commands) {
    const running = Math.max(c.receivedAt, pickedUp);
    observeStage('worker_queue_wait', running - c.receivedAt);
    observeStage('worker_batch_wait', startedAt - running);
  }
  const started = performance.now();
  bidBatchSize.observe(commands.length);
  const decided = await decideBids(deps, listingId, commands);
  const committed = performance.now();
  observeStage('worker_decide_tx', committed - started);
  deps.logger.debug({ listingId, size: commands.length, ms: Math.round(committed - started) }, 'bid batch decided');
  await afterCommit(deps, listingId, decided, commands, entryIds);
  const answered = performance.now();
  const now = Date.now();
  for (const c of commands) {
    observeStage('worker_answer_publish', answered - committed);
    observeStage('worker_received_to_answer', now - c.receivedAt);
  }
}

/**
 * The batch's commands in stream order, one per request id (a retried request whose mark was
 * settled can be in the stream twice; its later copy answers the stored outcome of the first).
 */
function uniqueCommands(deps: BidDrainDeps, listingId: string, entries: StreamEntry[]): BidCommand[] {
  const seen = new Set<string>();
  const commands: BidCommand[] = [];
  for (const { entryId, command } of entries) {
    if (!command) {
      deps.logger.error({ listingId, entryId }, 'malformed bid stream entry dropped');
      continue;
    }
    if (seen.has(command.requestId)) continue;
    seen.add(command.requestId);
    commands.push(command);
  }
  return commands;
}

/**
 * Answers waiting callers first (they need not wait for the relay), then settles the in-flight
 * marks, removes the decided commands from the stream and tells 202 callers. All issued in the same
 * tick, so auto-pipelining sends them to Redis as one write; the answer goes first in it.
 */
async function afterCommit(
  deps: BidDrainDeps,
  listingId: string,
  decided: Array<{ requestId: string; result: BidResult }>,
  commands: BidCommand[],
  entryIds: string[],
): Promise<void> {
  const answered = deps.bidResults.publish(decided);
  const settled = deps.bidsInFlight.settle(
    listingId,
    decided.map((d) => d.requestId),
  );
  // SPEC §6: a caller who got 202 learns the outcome in their user room. At-most-once, like any
  // socket event; the stored outcome (bid history, GET /v1/bids/me) is the durable record.
  const removed = deps.bidsInFlight.remove(listingId, entryIds);
  const emitter = socketEmitter(deps);
  decided.forEach((d, i) =>
    emitter.to(userRoom(commands[i].bidderId)).emit('bid_result', { requestId: d.requestId, ...resultPayload(d.result) }),
  );
  await Promise.all([answered, settled, removed]);
}

const resultPayload = (result: BidResult) => (result.ok ? { ok: true, data: result.data } : { ok: false, error: result.error });
