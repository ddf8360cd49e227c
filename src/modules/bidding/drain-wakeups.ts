import { closeRedis, PATIENT_OPTIONS, type Redis } from '../../shared/redis';

/** The most drains one process keeps waiting at once; past it, a drain that runs dry ends at once. */
const MAX_LINGERING = 64;

/** A drain's interest in new commands of its listing, taken BEFORE it reads the stream. */
export interface DrainWatch {
  /** Resolves when a command was appended since the watch began (at once if one was), after `ms`, or on shutdown. */
  wait(ms: number): Promise<void>;
  close(): void;
}

interface Watcher {
  woken: boolean;
  wake?: () => void;
}

/**
 * Lets a drain that found its listing's stream empty wait a moment for the next command instead of
 * ending. An idle bid otherwise pays for a whole BullMQ job (the intake's enqueue, a worker picking
 * it up) before its decision starts; with a drain waiting, the intake script finds the claim held
 * and publishes a wake-up on the deployment's channel, which this process receives on one subscriber.
 *
 * A wake-up published between the drain's read and its wait is not lost: the watch is taken before
 * the read and remembers it was woken.
 */
export class DrainWakeups {
  private readonly watchers = new Map<string, Set<Watcher>>();
  private subscriber?: Redis;
  private lingering = 0;
  private stopped = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** The channel the intake scripts publish a listing id on (see `bids-in-flight.ts`). */
  static channel(prefix: string): string {
    return `${prefix}:bid-wake`;
  }

  /** Subscribes this process (workers). Until it has, no drain lingers. */
  async listen(): Promise<void> {
    if (this.subscriber || this.stopped) return;
    // Like the bid results: a subscription waits out a Redis outage (ioredis re-subscribes).
    this.subscriber = this.redis.duplicate(PATIENT_OPTIONS);
    this.subscriber.on('message', (_channel: string, listingId: string) => this.wake(listingId));
    await this.subscriber.subscribe(DrainWakeups.channel(this.prefix));
  }

  /**
   * A watch on the listing, or undefined when this process may not hold one more waiting drain
   * (not listening, shutting down, or at the cap): the drain then ends when it runs dry.
   */
  watch(listingId: string): DrainWatch | undefined {
    if (!this.subscriber || this.stopped || this.lingering >= MAX_LINGERING) return undefined;
    this.lingering += 1;
    const watcher: Watcher = { woken: false };
    const set = this.watchers.get(listingId) ?? new Set<Watcher>();
    set.add(watcher);
    this.watchers.set(listingId, set);
    let closed = false;
    return {
      wait: (ms) =>
        watcher.woken || this.stopped
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              const timer = setTimeout(() => finish(), ms);
              const finish = () => {
                clearTimeout(timer);
                watcher.wake = undefined;
                resolve();
              };
              watcher.wake = finish;
            }),
      close: () => {
        if (closed) return;
        closed = true;
        this.lingering -= 1;
        set.delete(watcher);
        if (set.size === 0 && this.watchers.get(listingId) === set) this.watchers.delete(listingId);
      },
    };
  }

  private wake(listingId: string): void {
    for (const watcher of this.watchers.get(listingId) ?? []) {
      watcher.woken = true;
      watcher.wake?.();
    }
  }

  /** Shutdown: waiting drains stop waiting (they end once the stream is empty) and none starts. */
  async close(): Promise<void> {
    this.stopped = true;
    for (const set of this.watchers.values()) for (const watcher of set) watcher.wake?.();
    if (this.subscriber) await closeRedis(this.subscriber);
  }
}
