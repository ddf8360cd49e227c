import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from './redis';

/**
 * Every queue and the job names it carries. The workers' registry refuses to boot unless each
 * job name here has a handler, so a job can never be enqueued into a queue nobody drains.
 */
export const JOBS = {
  bids: ['bid.place'],
  auctions: ['auction.open', 'auction.close', 'auction.sweep', 'auction.ending_soon', 'auction.ending_soon_push'],
  notifications: ['notification.send'],
  maintenance: ['maintenance.cleanup'],
  disputes: ['dispute.escalate', 'dispute.sweep'],
  escrow: ['escrow.release', 'escrow.refund', 'escrow.stripe_event', 'escrow.payment_deadline', 'escrow.payment_reminder', 'escrow.sweep'],
} as const;

export type QueueName = keyof typeof JOBS;
export type JobName<Q extends QueueName = QueueName> = (typeof JOBS)[Q][number];

export const QUEUE_NAMES = Object.keys(JOBS) as QueueName[];

/** Default retry policy: at-least-once with exponential backoff; handlers are idempotent. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 10000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export type Queues = Record<QueueName, Queue>;

/** Opens a producer handle for every queue (sharing one connection). */
export function createQueues(connection: Redis, prefix: string): Queues {
  const entries = QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS })]);
  return Object.fromEntries(entries) as Queues;
}

/** BullMQ forbids ':' in custom job ids; ids are derived from ours so they stay stable across retries. */
export function jobId(...parts: Array<string | number>): string {
  return parts.map((p) => String(p).replaceAll(':', '_')).join('-');
}
