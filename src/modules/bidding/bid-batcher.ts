import type { Platform } from '../../shared/platform';
import type { BidResult, BidResults } from './bid-results';
import type { BidsInFlight } from './bids-in-flight';
import { socketEmitter } from '../../shared/socket-emitter';
import { userRoom } from '../../shared/rooms';
import { decideBids } from './decide-bids';
import type { BidJobData } from './submit-bid';

/** What the bid worker's batcher needs: the platform slice plus the bidding module's own services. */
export type BidBatcherDeps = Pick<Platform, 'db' | 'config' | 'logger' | 'redis'> & { bidsInFlight: BidsInFlight; bidResults: BidResults };

interface Pending {
  command: BidJobData;
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
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(command.listingId);
      if (queue) {
        queue.push({ command, resolve, reject });
        return;
      }
      this.queues.set(command.listingId, [{ command, resolve, reject }]);
      void this.drain(command.listingId);
    });
  }

  private async drain(listingId: string): Promise<void> {
    const queue = this.queues.get(listingId)!;
    while (queue.length) {
      const batch = queue.splice(0, MAX_BATCH);
      const started = performance.now();
      try {
        const decided = await decideBids(
          this.deps,
          listingId,
          batch.map((p) => p.command),
        );
        this.deps.logger.debug({ listingId, size: batch.length, ms: Math.round(performance.now() - started) }, 'bid batch decided');
        await this.afterCommit(listingId, decided, batch);
        decided.forEach((d, i) => batch[i].resolve(d.result));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.queues.delete(listingId);
  }

  /** Settles the in-flight marks and answers waiting callers right away (they need not wait for the relay). */
  private async afterCommit(listingId: string, decided: Array<{ requestId: string; result: BidResult }>, batch: Pending[]): Promise<void> {
    await this.deps.bidsInFlight.settle(
      listingId,
      decided.map((d) => d.requestId),
    );
    await this.deps.bidResults.publish(decided);
    // SPEC §6: a caller who got 202 learns the outcome in their user room. At-most-once, like any
    // socket event; the stored outcome (bid history, GET /v1/bids/me) is the durable record.
    const emitter = socketEmitter(this.deps);
    decided.forEach((d, i) =>
      emitter.to(userRoom(batch[i].command.bidderId)).emit('bid_result', { requestId: d.requestId, ...resultPayload(d.result) }),
    );
  }
}

const resultPayload = (result: BidResult) => (result.ok ? { ok: true, data: result.data } : { ok: false, error: result.error });
