import type { Job, JobsOptions } from 'bullmq';
import { jobOptions, parsePayload, queueOf, type JobInput, type JobName, type JobPayload } from './catalogue';
import type { Queues } from './queues';

/** What a producer may set per job; retry policy stays in the catalogue. */
export type EnqueueOptions = Pick<JobsOptions, 'jobId' | 'delay'>;

/** Thrown when a producer builds a job whose payload breaks its schema: a bug, caught at the source. */
export class MalformedJobError extends Error {
  constructor(
    readonly job: string,
    readonly issues: unknown[],
  ) {
    super(`malformed ${job} payload: ${JSON.stringify(issues)}`);
    this.name = 'MalformedJobError';
  }
}

/**
 * Adds a job straight to its queue (picked from the catalogue), with the catalogue's options. The
 * payload is validated first, so a malformed job is refused here rather than failing in a worker.
 */
export async function enqueue<N extends JobName>(queues: Queues, name: N, payload: JobInput<N>, opts: EnqueueOptions = {}): Promise<Job> {
  const parsed = parsePayload(name, payload);
  if (!parsed.success) throw new MalformedJobError(name, parsed.error.issues);
  return addParsed(queues, name, parsed.data, opts);
}

/** Adds a job whose payload was already parsed with its schema (the outbox relay's path). */
export function addParsed<N extends JobName>(queues: Queues, name: N, payload: JobPayload<N>, opts: EnqueueOptions = {}): Promise<Job> {
  return queues[queueOf(name)].add(name, payload, jobOptions(name, opts));
}

/** One parsed job for `addParsedBulk`. */
export interface ParsedJob<N extends JobName = JobName> {
  name: N;
  payload: JobPayload<N>;
  opts?: EnqueueOptions;
}

/**
 * Adds parsed jobs with one round trip per queue (BullMQ's `addBulk`, a MULTI of its add scripts)
 * instead of one per job: the outbox relay publishes whole batches this way.
 */
export async function addParsedBulk(queues: Queues, jobs: ParsedJob[]): Promise<void> {
  const byQueue = new Map<ReturnType<typeof queueOf>, ParsedJob[]>();
  for (const job of jobs) {
    const queue = queueOf(job.name);
    byQueue.set(queue, [...(byQueue.get(queue) ?? []), job]);
  }
  await Promise.all(
    [...byQueue].map(([queue, list]) =>
      queues[queue].addBulk(list.map((j) => ({ name: j.name, data: j.payload, opts: jobOptions(j.name, j.opts ?? {}) }))),
    ),
  );
}
