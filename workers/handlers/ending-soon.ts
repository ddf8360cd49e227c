import { announceEndingSoon, pushEndingSoon } from '../../src/modules/auctions/ending-soon';
import type { JobHandler } from '../registry';

/** `auction.ending_soon`: the socket event 60 s (ENDING_SOON_LEAD_SEC) before the effective end. */
export const endingSoon: JobHandler = async (deps, job) => {
  const { listingId, endsAt } = job.data as { listingId: string; endsAt: number };
  return announceEndingSoon(deps, listingId, endsAt);
};

/** `auction.ending_soon_push`: push notifications to watchers and bidders 15 minutes before the end. */
export const endingSoonPush: JobHandler = async (deps, job) => pushEndingSoon(deps, (job.data as { listingId: string }).listingId);
