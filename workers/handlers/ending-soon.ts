import { announceEndingSoon, pushEndingSoon } from '../../src/modules/auctions';
import type { JobHandler } from '../registry';

/** `auction.ending_soon`: the socket event 60 s (ENDING_SOON_LEAD_SEC) before the effective end. */
export const endingSoon: JobHandler<'auction.ending_soon'> = async (deps, { listingId, endsAt }) => announceEndingSoon(deps, listingId, endsAt);

/** `auction.ending_soon_push`: push notifications to watchers and bidders 15 minutes before the end. */
export const endingSoonPush: JobHandler<'auction.ending_soon_push'> = async (deps, { listingId }) => pushEndingSoon(deps, listingId);
