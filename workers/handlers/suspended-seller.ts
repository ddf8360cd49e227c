import { takeDownSuspendedSellerListings } from '../../src/flows/suspended-seller-listings';
import type { JobHandler } from '../registry';

/** Takes down a suspended seller's running listings (idempotent: a re-run takes down nothing more). */
export const takeDownSuspendedSeller: JobHandler<'listings.take_down_suspended_seller'> = (deps, payload) =>
  takeDownSuspendedSellerListings(deps, payload);
