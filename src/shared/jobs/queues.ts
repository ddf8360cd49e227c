import { Queue } from 'bullmq';
import type { Redis } from '../redis';
import { DEFAULT_JOB_OPTIONS, QUEUE_NAMES, type QueueName } from './catalogue';

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
