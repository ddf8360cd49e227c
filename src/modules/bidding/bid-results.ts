import type { Problem } from '../../shared/problem';
import { closeRedis, PATIENT_OPTIONS, type Redis } from '../../shared/redis';

/** What a decided bid command answers: the 201 body, or the problem it was refused with. */
export type BidResult = { ok: true; data: BidAccepted } | { ok: false; error: Problem };

export interface BidAccepted {
  bid: PresentedBid;
  outcome: 'leading' | 'outbid';
  currentPriceCents: number;
  isLeader: boolean;
  endsAt: string;
  minNextBidCents: number;
}

export interface PresentedBid {
  id: string;
  listingId: string;
  alias: string;
  amountCents: number;
  maxAmountCents?: number;
  isAutoBid: boolean;
  status: 'active' | 'retracted';
  createdAt: string;
}

interface Waiter {
  /** `undefined`: no result in time (the caller answers 202). Clears the waiter's timer. */
  resolve(result: BidResult | undefined): void;
  timer: NodeJS.Timeout;
}

/**
 * Delivers decided bid results from the workers to whichever api/realtime process is holding the
 * caller's request: one pub/sub channel per deployment, waiters keyed by request id.
 */
export class BidResults {
  private readonly waiters = new Map<string, Waiter[]>();
  private subscriber?: Redis;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get channel(): string {
    return `${this.prefix}:bid-results`;
  }

  /** Subscribes this process (api/realtime) to results. */
  async listen(): Promise<void> {
    if (this.subscriber) return;
    // A subscription waits out a Redis outage (ioredis re-subscribes) rather than failing fast.
    this.subscriber = this.redis.duplicate(PATIENT_OPTIONS);
    this.subscriber.on('message', (_channel: string, message: string) => this.dispatch(message));
    await this.subscriber.subscribe(this.channel);
  }

  /** Called by workers after commit. */
  async publish(results: Array<{ requestId: string; result: BidResult }>): Promise<void> {
    if (results.length) await this.redis.publish(this.channel, JSON.stringify(results));
  }

  /** Resolves with the result, or undefined after `timeoutMs` or when closed. Register before enqueueing. */
  wait(requestId: string, timeoutMs: number): Promise<BidResult | undefined> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve: (result) => {
          clearTimeout(waiter.timer);
          resolve(result);
        },
        timer: setTimeout(() => {
          this.remove(requestId, waiter);
          resolve(undefined);
        }, timeoutMs),
      };
      this.waiters.set(requestId, [...(this.waiters.get(requestId) ?? []), waiter]);
    });
  }

  private remove(requestId: string, waiter: Waiter): void {
    const left = (this.waiters.get(requestId) ?? []).filter((w) => w !== waiter);
    if (left.length) this.waiters.set(requestId, left);
    else this.waiters.delete(requestId);
  }

  private dispatch(message: string): void {
    for (const { requestId, result } of JSON.parse(message) as Array<{ requestId: string; result: BidResult }>) {
      const waiters = this.waiters.get(requestId);
      if (!waiters) continue;
      this.waiters.delete(requestId);
      for (const w of waiters) w.resolve(result);
    }
  }

  /** Answers every waiter `undefined` at once, so no timer of theirs keeps a stopping process alive. */
  async close(): Promise<void> {
    const waiting = [...this.waiters.values()].flat();
    this.waiters.clear();
    for (const w of waiting) w.resolve(undefined);
    if (this.subscriber) await closeRedis(this.subscriber);
  }
}
