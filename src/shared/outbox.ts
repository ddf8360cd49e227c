import { sql } from 'kysely';
import type { Trx } from '../../db/connection';
import type { JobName, QueueName } from './queues';

/** A job to enqueue once the transaction that wrote it has committed. */
export interface OutboxJob {
  kind: 'job';
  queue: QueueName;
  name: JobName;
  data: Record<string, unknown>;
  /** Stable BullMQ job id (dedupes re-publication of the same row); defaults to the outbox row id. */
  jobId?: string;
  /** Run no earlier than this (epoch ms). */
  runAt?: number;
}

/** A real-time event for Socket.IO rooms, published after commit. */
export interface OutboxEvent {
  kind: 'event';
  rooms: string[];
  event: string;
  data: Record<string, unknown>;
}

export type OutboxMessage = OutboxJob | OutboxEvent;

export const OUTBOX_CHANNEL = 'outbox';

/**
 * Writes side effects in the same transaction as the state change that implies them, and wakes the
 * relay (NOTIFY is delivered only on commit, so a rolled-back change never publishes anything).
 */
export async function writeOutbox(trx: Trx, messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await trx
    .insertInto('outbox')
    .values(messages.map((m) => ({ topic: m.kind, payload: JSON.stringify(m) })))
    .execute();
  await sql`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`.execute(trx);
}
