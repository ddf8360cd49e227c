import type { Deps } from '../src/composition';

/** Repeating jobs (BullMQ job schedulers are upserted, so every worker copy may call this). */
export async function upsertSchedules(deps: Deps): Promise<void> {
  await deps.queues.auctions.upsertJobScheduler('auction-sweep', { every: 5000 }, { name: 'auction.sweep' });
  await deps.queues.maintenance.upsertJobScheduler('maintenance-cleanup', { every: 60 * 60 * 1000 }, { name: 'maintenance.cleanup' });
  await deps.queues.disputes.upsertJobScheduler('dispute-sweep', { every: 60 * 1000 }, { name: 'dispute.sweep' });
  await deps.queues.escrow.upsertJobScheduler('escrow-sweep', { every: 60 * 1000 }, { name: 'escrow.sweep' });
}
