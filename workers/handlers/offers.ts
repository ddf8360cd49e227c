import { expireOffer } from '../../src/modules/offers';
import type { JobHandler } from '../registry';

/**
 * Expires a second-chance offer left unanswered (idempotent). A job that fires before the window is
 * over (clocks of two machines) throws, so BullMQ retries it with backoff instead of dropping it.
 */
export const expire: JobHandler<'offer.expire'> = async (deps, { offerId }) => {
  const outcome = await expireOffer(deps, offerId);
  if (outcome === 'not_due') throw new Error(`second-chance offer ${offerId} is not due to expire yet`);
  return outcome;
};
