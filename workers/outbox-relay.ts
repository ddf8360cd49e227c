import { Client } from 'pg';
import type { Deps } from '../src/composition';
import { addParsed } from '../src/shared/jobs';
import { OUTBOX_CHANNEL, parseOutboxRow, type RelayedMessage } from '../src/shared/outbox';
import { claimOutboxBatch, markOutboxFailed, markOutboxPublished } from '../src/shared/outbox.repository';
import { socketEmitter } from '../src/shared/socket-emitter';

const BATCH = 200;
const POLL_MS = 1000;

/**
 * Moves committed outbox rows to BullMQ and Socket.IO rooms. Rows are claimed with SKIP LOCKED, so
 * any number of relays can run; a crash between publish and mark re-publishes (at least once), and
 * the stable job id makes BullMQ drop the duplicate job. LISTEN wakes it right after each commit; a
 * slow poll catches anything a lost notification would leave behind. Each row is checked against
 * the job catalogue first: a malformed one (which no retry could fix) is marked failed with the
 * reason and skipped, so it neither blocks the rows behind it nor reaches a worker.
 */
export class OutboxRelay {
  private listener?: Client;
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: Deps) {}

  async start(): Promise<void> {
    this.listener = new Client({ connectionString: this.deps.config.databaseUrl });
    this.listener.on('error', (err) => this.deps.logger.warn({ err }, 'outbox listener error'));
    await this.listener.connect();
    this.listener.on('notification', () => void this.kick());
    await this.listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.timer = setInterval(() => void this.kick(), POLL_MS);
    await this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.listener?.end().catch(() => undefined);
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
        while ((await this.drainBatch()) === BATCH);
      } while (this.again && !this.stopped);
    } catch (err) {
      this.deps.logger.error({ err }, 'outbox relay pass failed; will retry');
    } finally {
      this.running = false;
    }
  }

  private async drainBatch(): Promise<number> {
    return this.deps.db.transaction().execute(async (trx) => {
      const rows = await claimOutboxBatch(trx, BATCH);
      if (rows.length === 0) return 0;
      const published: string[] = [];
      for (const row of rows) {
        const parsed = parseOutboxRow(row.payload);
        if (!parsed.ok) {
          this.deps.logger.error({ outboxId: row.id, error: parsed.error }, 'malformed outbox row; marked failed, not retried');
          await markOutboxFailed(trx, row.id, parsed.error);
          continue;
        }
        await this.publish(row.id, parsed.message);
        published.push(row.id);
      }
      if (published.length) await markOutboxPublished(trx, published);
      return rows.length;
    });
  }

  private async publish(id: string, message: RelayedMessage): Promise<void> {
    if (message.kind === 'event') {
      socketEmitter(this.deps).to(message.rooms).emit(message.event, message.data);
      return;
    }
    const delay = message.runAt ? Math.max(0, message.runAt - Date.now()) : undefined;
    await addParsed(this.deps.queues, message.name, message.data, { jobId: message.jobId ?? `outbox-${id}`, delay });
  }
}
