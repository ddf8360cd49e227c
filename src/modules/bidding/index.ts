/** Public surface of the bidding module: bid intake, the bid worker's batcher, and its Redis services. */

/** The cheap half of the bid path (REST and sockets): limits, eligibility, stamp, queue, bounded wait. */
export { bidRequestId, errorOf, submitBid, type BidJobData, type SubmitDeps, type SubmitOutcome } from './submit-bid';
/** The rules of a bid body (REST and the socket `bid` event share them). */
export { PlaceBidBody } from './bidding.schemas';
/** Deciding bid commands per listing in the bids worker. */
export { BidBatcher, type BidBatcherDeps } from './bid-batcher';
/** Receipt stamps of bids in flight, and decided results published to waiting callers (built by the composition root). */
export { BidsInFlight } from './bids-in-flight';
export { BidResults, type BidAccepted, type BidResult } from './bid-results';

/** A bidder's bids for a privacy access request (SPEC §9 export). */
export { bidsOfBidder } from './account-bids.repository';
