import { Client } from 'pg';
import { pipelinedTransaction } from '../db/pipelined-transaction';
import type { Deps } from '../src/composition';
import { addParsedBulk, withNotificationsMerged, type ParsedJob } from '../src/shared/jobs';
import { OUTBOX_CHANNEL, parseOutboxRow, type RelayedMessage } from '../src/shared/outbox';
import { claimOutboxBatchIfFree, markOutboxFailed, markOutboxPublished } from '../src/shared/outbox.repository';
import { trackedEmitter } from '../src/shared/socket-emitter';

const BATCH = 200;
const POLL_MS = 1000;
/** While another relay holds the publishing lock, look again this soon (its pass may end before our rows). */
const BUSY_RETRY_MS = 50;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

export interface OutboxRelayOptions {
  /** The safety poll (a lost notification, a listener reconnecting); tests lengthen it to prove LISTEN works. */
  pollMs?: number;
}

/**
 * Moves committed outbox rows to BullMQ and Socket.IO rooms. Any number of relays can run; one at a
 * time publishes (a transaction-scoped advisory lock), in `id` order, and a batch is marked published
 * only once Redis has taken every event of it — so the events of a listing leave in `seq` order
 * whichever relay sends them. A crash between publish and mark re-publishes (at least once); the
 * stable job id makes BullMQ drop a duplicate job, clients drop an event whose `seq` they have seen.
 * LISTEN wakes it right after each commit, and the listening connection is re-opened (with backoff)
 * whenever PostgreSQL drops it; a slow poll catches anything a lost notification would leave behind.
 * Each row is checked against the job catalogue first: a malformed one (which no retry could fix) is
 * marked failed with the reason and skipped, so it neither blocks the rows behind it nor reaches a worker.
 */
export class OutboxRelay {
  private listener?: Client;
  private timer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private busyTimer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly events: ReturnType<typeof trackedEmitter>;

  constructor(
    private readonly deps: Deps,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.events = trackedEmitter(deps.redis, deps.config.redisPrefix);
  }

  async start(): Promise<void> {
    await this.listen();
    this.timer = setInterval(() => void this.kick(), this.options.pollMs ?? POLL_MS);
    await this.kick();
  }

  /** True while the LISTEN connection is up (notifications wake the relay at once). */
  get listening(): boolean {
    return this.listener !== undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.busyTimer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    while (this.running) await new Promise((r) => setTimeout(r, 10));
  }

  /** Drains until empty; concurrent kicks coalesce into one more pass. */
  async kick(): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        let claimed: number | 'busy';
        while ((claimed = await this.drainBatch()) === BATCH);
        if (claimed === 'busy') this.retryWhenFree();
      } while (this.again && !this.stopped);
    } catch (err) {
      this.deps.logger.error({ err }, 'outbox relay pass failed; will retry');
    } finally {
      this.running = false;
    }
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.deps.config.databaseUrl, application_name: 'biddt-outbox-listener' });
    client.on('error', (err) => this.listenerLost(client, err));
    client.on('end', () => this.listenerLost(client));
    try {
      await client.connect();
      client.on('notification', () => void this.kick());
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.listener = client;
  }

  /** The LISTEN connection died (PostgreSQL restarted, network cut): open a new one, with backoff. */
  private listenerLost(client: Client, err?: Error): void {
    if (client !== this.listener) return; // an attempt still connecting, or one already replaced
    this.listener = undefined;
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    this.deps.logger.warn({ message: err?.message }, 'outbox listener lost; reconnecting (polling meanwhile)');
    this.reconnect(0);
  }

  private reconnect(attempt: number): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = Math.min(RECONNECT_MIN_MS * 2 ** attempt, RECONNECT_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.stopped) return;
      this.listen().then(
        () => {
          this.deps.logger.info('outbox listener reconnected');
          void this.kick(); // rows committed while nobody listened
        },
        () => this.reconnect(attempt + 1),
      );
    }, delay);
  }

  private retryWhenFree(): void {
    if (this.busyTimer || this.stopped) return;
    this.busyTimer = setTimeout(() => {
      this.busyTimer = undefined;
      void this.kick();
    }, BUSY_RETRY_MS);
  }

  /**
   * One batch under the publishing lock: its row count, or 'busy' when another relay is publishing.
   * Two round trips to PostgreSQL: BEGIN with the claim, the mark with COMMIT.
   */
  private async drainBatch(): Promise<number | 'busy'> {
    return pipelinedTransaction(this.deps.db, async (trx, commitAfter) => {
      const rows = await claimOutboxBatchIfFree(trx, BATCH);
      if (rows === 'busy') return 'busy';
      if (rows.length === 0) return 0;
      const published: string[] = [];
      const jobs: ParsedJob[] = [];
      for (const row of rows) {
        const parsed = parseOutboxRow(row.payload);
        if (!parsed.ok) {
          this.deps.logger.error({ outboxId: row.id, error: parsed.error }, 'malformed outbox row; marked failed, not retried');
          await markOutboxFailed(trx, row.id, parsed.error);
          continue;
        }
        const job = this.publish(row.id, parsed.message);
        if (job) jobs.push(job);
        published.push(row.id);
      }
      // The batch's jobs in one round trip per queue (their order within a batch carries no meaning),
      // its notifications merged into as few jobs as they fit in.
      await addParsedBulk(this.deps.queues, withNotificationsMerged(jobs));
      // Redis has every event of the batch before the lock goes: the next relay's events come after.
      await this.events.settle();
      if (published.length) await commitAfter(markOutboxPublished(trx, published));
      return rows.length;
    });
  }

  /** Emits an event at once (in row order); returns a job for the batch's bulk add. */
  private publish(id: string, message: RelayedMessage): ParsedJob | undefined {
    if (message.kind === 'event') {
      this.events.emitter.to(message.rooms).emit(message.event, message.data);
      return undefined;
    }
    const delay = message.runAt ? Math.max(0, message.runAt - Date.now()) : undefined;
    return { name: message.name, payload: message.data, opts: { jobId: message.jobId ?? `outbox-${id}`, delay } };
  }
}
