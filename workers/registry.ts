import { UnrecoverableError, type Job } from 'bullmq';
import type { Deps } from '../src/composition';
import { AppError } from '../src/shared/errors';
import { CATALOGUE, isJobName, JOBS, parsePayload, type JobName, type JobNameOf, type JobPayload, type QueueName } from '../src/shared/jobs';

/**
 * Handles one job whose payload the registry has already parsed with the catalogue's schema; must
 * be idempotent (BullMQ delivers at least once). `job` is there for its id and attempt count.
 */
export type JobHandler<N extends JobName = JobName> = (deps: Deps, payload: JobPayload<N>, job: Job) => Promise<unknown>;

export type HandlerMap = { [Q in QueueName]: { [N in JobNameOf<Q>]: JobHandler<N> } };

/** Handlers as handed in, before the registry has checked that none is missing. */
export type UncheckedHandlers = Partial<Record<string, Partial<Record<string, unknown>>>>;

export class RegistryGapError extends Error {
  constructor(readonly missing: string[]) {
    super(`workers refuse to boot: no handler for ${missing.join(', ')}`);
    this.name = 'RegistryGapError';
  }
}

/** Throws unless every queue and job name of the catalogue has a handler. */
export function assertRegistryComplete(handlers: UncheckedHandlers): asserts handlers is HandlerMap {
  const missing: string[] = [];
  for (const [queue, names] of Object.entries(JOBS)) {
    for (const name of names) {
      if (typeof handlers[queue]?.[name] !== 'function') missing.push(`${queue}/${name}`);
    }
  }
  if (missing.length) throw new RegistryGapError(missing);
}

/**
 * One BullMQ processor per queue, dispatching by job name. The payload is parsed at this boundary:
 * a malformed one can never become valid by retrying, so it fails once, loudly, with zod's issues.
 * Domain errors (AppError) are not retried either; anything else is, with the job's backoff.
 */
export function processorFor(deps: Deps, queue: QueueName, handlers: HandlerMap) {
  const byName: Partial<Record<string, JobHandler<never>>> = handlers[queue];
  return async (job: Job) => {
    const handler = byName[job.name];
    if (!handler || !isJobName(job.name) || CATALOGUE[job.name].queue !== queue) throw new UnrecoverableError(`no handler for ${queue}/${job.name}`);
    const parsed = parsePayload(job.name, job.data);
    if (!parsed.success) {
      deps.logger.error({ queue, job: job.name, jobId: job.id, issues: parsed.error.issues }, 'malformed job payload; not retried');
      throw new UnrecoverableError(`malformed ${job.name} payload: ${parsed.error.issues.map(describeIssue).join('; ')}`);
    }
    try {
      // Parsed with this very job's schema, so it is the handler's payload; TypeScript cannot see
      // that through a name known only at run time.
      return await handler(deps, parsed.data as never, job);
    } catch (err) {
      if (err instanceof AppError) throw new UnrecoverableError(`${err.code}: ${err.message}`);
      throw err;
    }
  };
}

const describeIssue = (issue: { path: PropertyKey[]; message: string }) => `${issue.path.map(String).join('.') || 'payload'}: ${issue.message}`;
