import type { Deps } from '../../src/composition';
import { BidBatcher } from '../../src/modules/bidding/bid-batcher';
import type { BidJobData } from '../../src/modules/bidding/submit-bid';
import type { JobHandler } from '../registry';

const batchers = new WeakMap<Deps, BidBatcher>();

/** Decides one bid command (batched per listing with the others this process holds). */
export const placeBid: JobHandler = async (deps, job) => {
  let batcher = batchers.get(deps);
  if (!batcher) {
    batcher = new BidBatcher(deps);
    batchers.set(deps, batcher);
  }
  const result = await batcher.decide(job.data as BidJobData);
  return { ok: result.ok };
};
