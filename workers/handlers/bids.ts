import { drainBids, redriveUndecided, withdrawSuspendedBids } from '../../src/modules/bidding';
import type { JobHandler } from '../registry';

/** Decides the bid commands waiting in one listing's stream, in stamp order, until it is empty. */
export const drain: JobHandler<'bid.drain'> = async (deps, { listingId, generation }) => ({
  decided: await drainBids(deps, listingId, generation),
});

/** Puts back bids answered 202 that Redis lost; forgets the decided ones. */
export const sweep: JobHandler<'bid.sweep'> = (deps) => redriveUndecided(deps);

/** Withdraws a suspended user's standing bids from live auctions (idempotent: a re-run withdraws nothing more). */
export const withdrawSuspended: JobHandler<'bid.withdraw_suspended'> = (deps, payload) => withdrawSuspendedBids(deps, payload);
