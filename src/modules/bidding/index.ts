/** Public surface of the bidding module. */

/** Stateful services the composition root builds once per process: bid outcomes and in-flight bid counts. */
export { BidResults } from './bid-results';
export { BidsInFlight } from './bids-in-flight';
