import type { Deps } from '../../src/composition';
import { BidBatcher } from '../../src/modules/bidding';
import type { JobHandler } from '../registry';

const batchers = new WeakMap<Deps, BidBatcher>();

/** Decides one bid command (batched per listing with the others this process holds). */
export const placeBid: JobHandler<'bid.place'> = async (deps, command) => {
  let batcher = batchers.get(deps);
  if (!batcher) {
    batcher = new BidBatcher(deps);
    batchers.set(deps, batcher);
  }
  const result = await batcher.decide(command);
  return { ok: result.ok };
};
