import type { Trx } from '../../db/connection';
import { isJobName, parsePayload, queueOf, type JobInput, type JobName, type JobPayload, type QueueName } from './jobs/catalogue';
import { isMoneyIntentJob, moneyIntentOf } from './jobs/money-intent-key';
import { moneyIntentsUpsert } from './money-intents.repository';
import { OUTBOX_CHANNEL, outboxRowsInsert } from './outbox.repository';
import { executeWrites, type PendingWrite } from '../../db/writes';
import { isSocketEventName, SOCKET_EVENTS, type SocketEventName, type SocketEventPayload } from './socket-events';
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

/** A real-time event for Socket.IO rooms, published after commit; built with `eventFor`. */
export type OutboxEvent<E extends SocketEventName = SocketEventName> = {
  [K in E]: { kind: 'event'; rooms: string[]; event: K; data: SocketEventPayload<K> };
}[E];

export type OutboxMessage = OutboxJob | OutboxEvent;

/** Builds an outbox job from the catalogue: the queue follows from the name, the payload from its schema. */
export function jobFor<N extends JobName>(name: N, data: JobInput<N>, opts: { jobId?: string; runAt?: number } = {}): OutboxJob<N> {
  const job = { kind: 'job', queue: queueOf(name), name, data } as OutboxJob<N>;
  if (opts.jobId !== undefined) job.jobId = opts.jobId;
  if (opts.runAt !== undefined) job.runAt = opts.runAt;
  return job;
}

/** Builds an outbox event from the socket event catalogue. */
export function eventFor<E extends SocketEventName>(event: E, rooms: string[], data: SocketEventPayload<E>): OutboxEvent<E> {
  return { kind: 'event', rooms, event, data } as OutboxEvent<E>;
}

export { OUTBOX_CHANNEL };

/** A stored event whose payload has passed its schema, ready for the rooms. */
export interface RelayedEvent {
  kind: 'event';
  rooms: string[];
  event: SocketEventName;
  data: Record<string, unknown>;
}

/** A stored job whose payload has passed its schema, ready for `addParsed`. */
export interface RelayedJob {
  kind: 'job';
  name: JobName;
  data: JobPayload<JobName>;
  jobId?: string;
  runAt?: number;
}

export type RelayedMessage = RelayedJob | RelayedEvent;

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
  if (m.kind === 'event') return parseEvent(m);
  if (!isJobName(m.name)) return { ok: false, error: `unknown job ${m.name}` };
  const data = parsePayload(m.name, m.data);
  if (!data.success) return { ok: false, error: `malformed ${m.name} payload: ${z.prettifyError(data.error)}` };
  return { ok: true, message: { kind: 'job', name: m.name, data: data.data, jobId: m.jobId, runAt: m.runAt } };
}

/**
 * Writes side effects in the same transaction as the state change that implies them, and wakes the
 * relay (NOTIFY is delivered only on commit, so a rolled-back change never publishes anything).
 * A money job (payout, refund) also records its durable intent (`money_intents`): the job is only
 * the prompt; the row is what the sweep re-drives until the effect happened, for days if need be.
 */
export async function writeOutbox(trx: Trx, messages: OutboxMessage[]): Promise<void> {
  await executeWrites(trx, outboxWrites(trx, messages));
}

/**
 * The statements of `writeOutbox`, built for a caller that folds them with its own writes (`executeWrites`).
 * `jobsNotBefore`: the jobs are handed to BullMQ no earlier (the events still go at once), so that
 * a burst's socket events are not queued behind its jobs (see the close batcher).
 */
export function outboxWrites(trx: Trx, all: OutboxMessage[], options: { jobsNotBefore?: Date } = {}): PendingWrite[] {
  const messages = withoutRepeatedJobs(all);
  if (messages.length === 0) return [];
  const intents = messages.flatMap((m) => (m.kind === 'job' && isMoneyIntentJob(m.name) ? [moneyIntentOf(m.name, m.data as never)] : []));
  const held = options.jobsNotBefore;
  const rows = outboxRowsInsert(
    trx,
    messages.map((m) => ({ topic: m.kind, payload: JSON.stringify(m), ...(held && m.kind === 'job' ? { availableAt: held } : {}) })),
  );
  return intents.length ? [moneyIntentsUpsert(trx, intents), rows] : [rows];
}

/**
 * A job id given twice in one write is one job (the relay's second add would be a no-op in BullMQ),
 * so it is stored once: e.g. the close job of a second that many listings of one import end in.
 */
function withoutRepeatedJobs(messages: OutboxMessage[]): OutboxMessage[] {
  const seen = new Set<string>();
  return messages.filter((m) => {
    if (m.kind !== 'job' || m.jobId === undefined) return true;
    const key = `${m.queue}:${m.jobId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function parseEvent(m: z.output<typeof StoredEvent>): { ok: true; message: RelayedEvent } | { ok: false; error: string } {
  if (!isSocketEventName(m.event)) return { ok: false, error: `unknown event ${m.event}` };
  const data = SOCKET_EVENTS[m.event].safeParse(m.data);
  if (!data.success) return { ok: false, error: `malformed ${m.event} event: ${z.prettifyError(data.error)}` };
  return { ok: true, message: { kind: 'event', rooms: m.rooms, event: m.event, data: data.data } };
}
