import type { ClientRequest } from 'node:http';
import Stripe from 'stripe';
import type { EventSink } from './engine';
import type { EventObj } from './objects';
import { postWebhook } from './webhook-post';

export interface DeliveryOptions {
  /** Send every event this many times (Stripe delivers at least once; tests need "more than once"). */
  duplicate: number;
  /** Deliver each batch of events in random order (Stripe does not guarantee order). */
  shuffle: boolean;
  /** Wait before delivering a batch; events emitted meanwhile join it. */
  deliveryDelayMs: number;
  /** Hold events until `flush()` or until unpaused. */
  paused: boolean;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts per delivery before giving up; unlimited by default ("until a 2xx"). */
  maxAttempts: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  duplicate: 1,
  shuffle: false,
  deliveryDelayMs: 0,
  paused: false,
  retryBaseMs: 200,
  retryMaxMs: 5_000,
  maxAttempts: Number.POSITIVE_INFINITY,
  timeoutMs: 10_000,
};

/** What our webhook endpoint subscribes to; other events are recorded but not sent. */
export const DEFAULT_ENABLED_EVENTS: readonly string[] = [
  'account.updated',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
  'transfer.created',
  'transfer.reversed',
];

export interface DeliveryRecord {
  eventId: string;
  type: string;
  attempt: number;
  status: number | null;
  error?: string;
  at: number;
}

export type Logger = (message: string, data?: Record<string, unknown>) => void;

export interface DispatcherConfig {
  url: string | null;
  secret: string;
  options?: Partial<DeliveryOptions>;
  enabledEvents: readonly string[] | '*';
  logger: Logger;
}

interface Job {
  event: EventObj;
  attempt: number;
  generation: number;
}

function shuffleInPlace<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/** Signs and POSTs events to the configured endpoint, with retries and test-controlled chaos. */
export class WebhookDispatcher implements EventSink {
  private url: string | null;
  private options: DeliveryOptions;
  private held: EventObj[] = [];
  private batchTimer: NodeJS.Timeout | undefined;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly requests = new Set<ClientRequest>();
  private unfinished = 0;
  /** Bumped by reset/stop so jobs from before are dropped. */
  private generation = 0;
  private idleWaiters: Array<() => void> = [];
  readonly log: DeliveryRecord[] = [];

  constructor(private readonly config: DispatcherConfig) {
    this.url = config.url;
    this.options = { ...DEFAULT_DELIVERY, ...config.options };
  }

  willDeliver(type: string): boolean {
    const enabled = this.config.enabledEvents;
    return this.url !== null && (enabled === '*' || enabled.includes(type));
  }

  enqueue(event: EventObj): void {
    if (!this.willDeliver(event.type)) return;
    this.held.push(event);
    this.scheduleBatch();
  }

  setUrl(url: string | null): void {
    this.url = url;
  }

  setOptions(options: Partial<DeliveryOptions>): void {
    this.options = { ...this.options, ...options };
    this.scheduleBatch();
    this.notifyIfIdle();
  }

  currentOptions(): DeliveryOptions {
    return { ...this.options };
  }

  /** Delivers held events now, even while paused. */
  flush(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    this.drain();
  }

  private scheduleBatch(): void {
    if (this.options.paused || this.batchTimer || this.held.length === 0) return;
    this.batchTimer = setTimeout(() => {
      this.batchTimer = undefined;
      this.drain();
    }, this.options.deliveryDelayMs);
  }

  private drain(): void {
    const events = this.held.splice(0);
    const jobs: Job[] = events.flatMap((event) =>
      Array.from({ length: Math.max(1, this.options.duplicate) }, () => ({ event, attempt: 0, generation: this.generation })),
    );
    if (this.options.shuffle) shuffleInPlace(jobs);
    this.unfinished += jobs.length;
    void this.runInOrder(jobs);
  }

  /** First attempts go out one after another so the (shuffled) order is the arrival order. */
  private async runInOrder(jobs: Job[]): Promise<void> {
    for (const job of jobs) await this.attempt(job);
  }

  private async attempt(job: Job): Promise<void> {
    if (job.generation !== this.generation) return;
    const url = this.url;
    if (!url) return this.finish(job, 'no webhook URL configured');
    job.attempt++;
    const payload = JSON.stringify(job.event, null, 2);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: this.config.secret });
    const outcome = await postWebhook(url, payload, signature, this.options.timeoutMs, (req) => this.track(req));
    if (job.generation !== this.generation) return;
    const status = 'status' in outcome ? outcome.status : null;
    const error = 'error' in outcome ? outcome.error : undefined;
    this.log.push({ eventId: job.event.id, type: job.event.type, attempt: job.attempt, status, error, at: Date.now() });
    if (status !== null && status >= 200 && status < 300) {
      job.event.pending_webhooks = 0;
      return this.finish(job);
    }
    this.config.logger('stripe-standin: webhook delivery failed', { eventId: job.event.id, type: job.event.type, attempt: job.attempt, status, error });
    if (job.attempt >= this.options.maxAttempts) return this.finish(job, 'gave up');
    this.scheduleRetry(job);
  }

  private scheduleRetry(job: Job): void {
    const delay = Math.min(this.options.retryBaseMs * 2 ** (job.attempt - 1), this.options.retryMaxMs);
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      void this.attempt(job);
    }, delay);
    this.retryTimers.add(timer);
  }

  private track(req: ClientRequest): () => void {
    this.requests.add(req);
    return () => this.requests.delete(req);
  }

  private finish(job: Job, reason?: string): void {
    if (reason) this.config.logger('stripe-standin: webhook not delivered', { eventId: job.event.id, reason });
    this.unfinished--;
    this.notifyIfIdle();
  }

  /** Idle: nothing in flight or scheduled. Events held by `paused` do not count. */
  isIdle(): boolean {
    const waiting = this.options.paused ? 0 : this.held.length;
    return waiting === 0 && !this.batchTimer && this.unfinished === 0;
  }

  outstanding(): number {
    return this.unfinished + (this.options.paused ? 0 : this.held.length);
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  waitForIdle(timeoutMs: number): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== wake);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for webhook deliveries (${this.outstanding()} outstanding)`));
      }, timeoutMs);
      const wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.idleWaiters.push(wake);
    });
  }

  /** Drops everything queued or in flight; used by reset() and close(). */
  cancelAll(): void {
    this.generation++;
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    for (const req of this.requests) req.destroy();
    this.requests.clear();
    this.held = [];
    this.unfinished = 0;
    this.log.length = 0;
    this.notifyIfIdle();
  }
}
