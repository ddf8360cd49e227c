import type { Deps } from '../src/composition';
import { SCHEDULES } from '../src/shared/jobs';

/** Repeating jobs of the catalogue (BullMQ job schedulers are upserted, so every worker copy may call this). */
export async function upsertSchedules(deps: Deps): Promise<void> {
  for (const s of SCHEDULES) await deps.queues[s.queue].upsertJobScheduler(s.schedulerId, { every: s.ms }, { name: s.name });
}
