import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import { isJobName, parsePayload, queueOf, type JobInput, type JobName, type JobPayload, type QueueName } from './jobs/catalogue';
import { z } from './zod';

/** A job to enqueue once the transaction that wrote it has committed; built with `jobFor`. */
export type OutboxJob<N extends JobName = JobName> = {
  [K in N]: {
    kind: 'job';
    /** Stored for readers of the row; the relay takes the queue from the catalogue. */
    queue: QueueName;
    name: K;
    data: JobInput<K>;
    /** Stable BullMQ job id (dedupes re-publication of the same row); defaults to the outbox row id. */
    jobId?: string;
    /** Run no earlier than this (epoch ms). */
    runAt?: number;
  };
}[N];

/** A real-time event for Socket.IO rooms, published after commit. */
export interface OutboxEvent {
  kind: 'event';
  rooms: string[];
  event: string;
  data: Record<string, unknown>;
}

export type OutboxMessage = OutboxJob | OutboxEvent;

/** Builds an outbox job from the catalogue: the queue follows from the name, the payload from its schema. */
export function jobFor<N extends JobName>(name: N, data: JobInput<N>, opts: { jobId?: string; runAt?: number } = {}): OutboxJob<N> {
  const job = { kind: 'job', queue: queueOf(name), name, data } as OutboxJob<N>;
  if (opts.jobId !== undefined) job.jobId = opts.jobId;
  if (opts.runAt !== undefined) job.runAt = opts.runAt;
  return job;
}

export const OUTBOX_CHANNEL = 'outbox';

/** A stored job whose payload has passed its schema, ready for `addParsed`. */
export interface RelayedJob {
  kind: 'job';
  name: JobName;
  data: JobPayload<JobName>;
  jobId?: string;
  runAt?: number;
}

export type RelayedMessage = RelayedJob | OutboxEvent;

const StoredJob = z.object({
  kind: z.literal('job'),
  name: z.string(),
  data: z.unknown(),
  jobId: z.string().min(1).optional(),
  runAt: z.number().optional(),
});
const StoredEvent = z.object({
  kind: z.literal('event'),
  rooms: z.array(z.string().min(1)).min(1),
  event: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
});
const StoredMessage = z.discriminatedUnion('kind', [StoredJob, StoredEvent]);

/**
 * Reads an outbox row back: the envelope, then a job's payload against the catalogue. A row that
 * fails can never succeed later, so the relay sets it aside instead of retrying it forever.
 */
export function parseOutboxRow(payload: unknown): { ok: true; message: RelayedMessage } | { ok: false; error: string } {
  const envelope = StoredMessage.safeParse(payload);
  if (!envelope.success) return { ok: false, error: z.prettifyError(envelope.error) };
  const m = envelope.data;
  if (m.kind === 'event') return { ok: true, message: m };
  if (!isJobName(m.name)) return { ok: false, error: `unknown job ${m.name}` };
  const data = parsePayload(m.name, m.data);
  if (!data.success) return { ok: false, error: `malformed ${m.name} payload: ${z.prettifyError(data.error)}` };
  return { ok: true, message: { kind: 'job', name: m.name, data: data.data, jobId: m.jobId, runAt: m.runAt } };
}

/**
 * Writes side effects in the same transaction as the state change that implies them, and wakes the
 * relay (NOTIFY is delivered only on commit, so a rolled-back change never publishes anything).
 */
export async function writeOutbox(trx: Transaction<Database>, messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await trx
    .insertInto('outbox')
    .values(messages.map((m) => ({ topic: m.kind, payload: JSON.stringify(m) })))
    .execute();
  await sql`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`.execute(trx);
}
