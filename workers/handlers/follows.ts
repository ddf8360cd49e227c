import { notifyFollowers } from '../../src/modules/listings';
import type { JobHandler } from '../registry';

/** Notifies one batch of a seller's followers of a new listing and queues the next batch (idempotent). */
export const notifyFollowersBatch: JobHandler<'listing.notify_followers'> = async (deps, { listingId, afterFollowerId }) =>
  notifyFollowers(deps, listingId, afterFollowerId);
