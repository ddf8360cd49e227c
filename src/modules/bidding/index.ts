/** Public surface of the bidding module: bid intake, the bid worker's drain, and its Redis services. */

/** The cheap half of the bid path (REST and sockets): limits, eligibility, stamp and stream, bounded wait. */
export { bidRequestId, errorOf, submitBid, type SubmitDeps, type SubmitOutcome } from './submit-bid';
/** The rules of a bid body (REST and the socket `bid` event share them). */
export { PlaceBidBody } from './bidding.schemas';
/** Deciding a listing's bid stream in the bids worker (`bid.drain`), and enqueueing that job. */
export { drainBids, enqueueDrain, type BidDrainDeps } from './bid-drain';
/** Wake-ups for drains waiting on an empty stream (one subscriber per workers process). */
export { DrainWakeups } from './drain-wakeups';
/** The `bid.sweep` safety net: bids answered 202 that Redis lost are put back with their stamps. */
export { redriveUndecided } from './redrive-undecided';
/** Receipt stamps and streams of bids in flight, and decided results published to waiting callers (built by the composition root). */
export { BidsInFlight, type BidCommand } from './bids-in-flight';
export { BidResults, type BidAccepted, type BidResult } from './bid-results';

/** A bidder's bids for a privacy access request (SPEC §9 export), and whether one still stands on a live auction (deletion refusal). */
export { bidderHasLiveBid, bidsOfBidder } from './account-bids.repository';
/**
 * A staff suspension withdraws the user's bids on live auctions (the `bid.withdraw_suspended` job), and
 * a close that comes first withdraws a suspended leader's bids itself (the composition root hands it
 * to the auctions module).
 */
export { withdrawSuspendedBids, withdrawSuspendedOnClose } from './suspended-bids';
