import type { Platform } from '../../shared/platform';
import type { BidResult, BidResults } from './bid-results';
import type { BidsInFlight } from './bids-in-flight';
import { socketEmitter } from '../../shared/socket-emitter';
import { userRoom } from '../../shared/rooms';
import { decideBids } from './decide-bids';
import { bidBatchSize, observeStage } from '../../shared/bid-stage-metrics';
import type { BidJobData } from './submit-bid';

/** What the bid worker's batcher needs: the platform slice plus the bidding module's own services. */
export type BidBatcherDeps = Pick<Platform, 'db' | 'config' | 'logger' | 'redis'> & { bidsInFlight: BidsInFlight; bidResults: BidResults };

interface Pending {
  command: BidJobData;
  /** performance.now() when this process picked the job up. */
  pickedUp: number;
  resolve(result: BidResult): void;
  reject(err: unknown): void;
}

const MAX_BATCH = 200;

/**
 * Serializes bid commands per listing inside this worker process and, when several are waiting,
 * decides them in one transaction (one lock, one commit). Across processes the row lock keeps it
 * correct; this keeps a hot listing from becoming a convoy of transactions fighting for that lock.
 */
export class BidBatcher {
  private readonly queues = new Map<string, Pending[]>();

  constructor(private readonly deps: BidBatcherDeps) {}

  /** Resolves with the command's decided result once its batch has committed. */
  decide(command: BidJobData): Promise<BidResult> {
    // Stamp (Redis clock) → picked up here: the queue hop, including any time no worker was running.
    observeStage('worker_queue_wait', Date.now() - command.receivedAt);
    const pickedUp = performance.now();
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(command.listingId);
      if (queue) {
        queue.push({ command, pickedUp, resolve, reject });
        return;
      }
      this.queues.set(command.listingId, [{ command, pickedUp, resolve, reject }]);
      void this.drain(command.listingId);
    });
  }

  private async drain(listingId: string): Promise<void> {
    const queue = this.queues.get(listingId)!;
    while (queue.length) {
      const batch = queue.splice(0, MAX_BATCH);
      const started = performance.now();
      for (const p of batch) observeStage('worker_batch_wait', started - p.pickedUp);
      bidBatchSize.observe(batch.length);
      try {
        const decided = await decideBids(
          this.deps,
          listingId,
          batch.map((p) => p.command),
        );
        const committed = performance.now();
        observeStage('worker_decide_tx', committed - started);
        this.deps.logger.debug({ listingId, size: batch.length, ms: Math.round(committed - started) }, 'bid batch decided');
        await this.afterCommit(listingId, decided, batch);
        const answered = performance.now();
        const now = Date.now();
        for (const p of batch) {
          observeStage('worker_answer_publish', answered - committed);
          observeStage('worker_received_to_answer', now - p.command.receivedAt);
        }
        decided.forEach((d, i) => batch[i].resolve(d.result));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.queues.delete(listingId);
  }

  /**
   * Answers waiting callers first (they need not wait for the relay), then settles the in-flight
   * marks and tells 202 callers. All issued in the same tick, so auto-pipelining sends them to Redis
   * as one write; the answer goes first in it.
   */
  private async afterCommit(listingId: string, decided: Array<{ requestId: string; result: BidResult }>, batch: Pending[]): Promise<void> {
    const answered = this.deps.bidResults.publish(decided);
    const settled = this.deps.bidsInFlight.settle(
      listingId,
      decided.map((d) => d.requestId),
    );
    // SPEC §6: a caller who got 202 learns the outcome in their user room. At-most-once, like any
    // socket event; the stored outcome (bid history, GET /v1/bids/me) is the durable record.
    const emitter = socketEmitter(this.deps);
    decided.forEach((d, i) =>
      emitter.to(userRoom(batch[i].command.bidderId)).emit('bid_result', { requestId: d.requestId, ...resultPayload(d.result) }),
    );
    await Promise.all([answered, settled]);
  }
}

const resultPayload = (result: BidResult) => (result.ok ? { ok: true, data: result.data } : { ok: false, error: result.error });
