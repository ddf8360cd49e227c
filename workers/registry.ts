import { UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../src/composition';
import { AppError } from '../src/shared/errors';
import { JOBS, type JobName, type QueueName } from '../src/shared/queues';

/** Handles one job; must be idempotent (BullMQ delivers at least once). */
export type JobHandler = (deps: Deps, job: Job) => Promise<unknown>;

export type HandlerMap = { [Q in QueueName]: { [N in JobName<Q>]: JobHandler } };

export class RegistryGapError extends Error {
  constructor(readonly missing: string[]) {
    super(`workers refuse to boot: no handler for ${missing.join(', ')}`);
    this.name = 'RegistryGapError';
  }
}

/** Throws unless every queue and job name declared in JOBS has a handler. */
export function assertRegistryComplete(handlers: Partial<Record<string, Partial<Record<string, JobHandler>>>>): asserts handlers is HandlerMap {
  const missing: string[] = [];
  for (const [queue, names] of Object.entries(JOBS)) {
    for (const name of names) {
      if (typeof handlers[queue]?.[name] !== 'function') missing.push(`${queue}/${name}`);
    }
  }
  if (missing.length) throw new RegistryGapError(missing);
}

/** One BullMQ processor per queue, dispatching by job name; domain errors are not retried. */
export function processorFor(deps: Deps, queue: QueueName, handlers: HandlerMap) {
  const byName = handlers[queue] as Record<string, JobHandler>;
  return async (job: Job) => {
    const handler = byName[job.name];
    if (!handler) throw new UnrecoverableError(`no handler for ${queue}/${job.name}`);
    try {
      return await handler(deps, job);
    } catch (err) {
      if (err instanceof AppError) throw new UnrecoverableError(`${err.code}: ${err.message}`);
      throw err;
    }
  };
}
