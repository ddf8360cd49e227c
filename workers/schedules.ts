import type { Deps } from '../src/composition';
import { SCHEDULES } from '../src/shared/jobs';

/** How often a workers process checks that every job scheduler still exists. */
export const SCHEDULE_CHECK_MS = 5_000;

/** Repeating jobs of the catalogue (BullMQ job schedulers are upserted, so every worker copy may call this). */
export async function upsertSchedules(deps: Deps): Promise<void> {
  for (const s of SCHEDULES) await deps.queues[s.queue].upsertJobScheduler(s.schedulerId, { every: s.ms }, { name: s.name });
}

/**
 * Re-creates the job schedulers Redis lost (a FLUSHALL, a Redis restarted without its data): the
 * sweeps that re-drive money intents, closes and disputes must not stop until the next deploy. Only
 * a missing scheduler is upserted, so a running one keeps its timing. Returns the ones re-created.
 */
export async function restoreLostSchedules(deps: Deps): Promise<string[]> {
  const restored: string[] = [];
  for (const s of SCHEDULES) {
    if (await deps.queues[s.queue].getJobScheduler(s.schedulerId)) continue;
    await deps.queues[s.queue].upsertJobScheduler(s.schedulerId, { every: s.ms }, { name: s.name });
    restored.push(s.schedulerId);
  }
  if (restored.length) deps.logger.warn({ restored }, 'job schedulers were missing from Redis; re-created');
  return restored;
}

/** Checks every SCHEDULE_CHECK_MS (or `everyMs`) until stopped; a failed check (Redis down) waits for the next. */
export function watchSchedules(deps: Deps, everyMs = SCHEDULE_CHECK_MS): { stop(): void } {
  const timer = setInterval(() => {
    restoreLostSchedules(deps).catch(() => undefined);
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
