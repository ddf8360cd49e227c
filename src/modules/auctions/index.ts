/** Public surface of the auctions module: the bid engine, auction state, listing events, open/close/end. */

/** The pure auction engine (proxy bidding, increments, soft close, reserve, buy-now, retraction). */
export {
  bidIncrementCents,
  canRetract,
  closeOutcome,
  initialState,
  isBuyNowAvailable,
  isReserveMet,
  minNextBidCents,
  placeBid,
  recompute,
} from './engine/engine';
export type * from './engine/engine.types';
/** The engine state as stored in the auction columns of `listings`. */
export { auctionStateColumns, auctionStateOf, type AuctionStateColumns, type AuctionStateRow } from './auction-state';
/** A listing's auction row under its lock, and writing a new engine state back (bidding decides under it). */
export {
  lockAuction,
  lockListing,
  lockLiveListing,
  saveAuctionState,
  setSecondChanceWinner,
  type LockedAuction,
} from './auctions.repository';
/** The delayed jobs of an auction's life (open, close, ending soon) as outbox messages. */
export {
  CLOSE_LEAD_MS,
  DEFAULT_ENDING_SOON_LEAD_SEC,
  ENDING_SOON_PUSH_LEAD_MS,
  closeJob,
  endingSoonJob,
  endingSoonPushJob,
  jobsForPublishedListing,
  listingCloseJob,
  openJob,
} from './auction-jobs';
/** The stored, replayable event stream of a listing. */
export {
  appendListingEvents,
  assertWatchable,
  currentEventSeq,
  listingEventsAfter,
  neverPublished,
  replayEvents,
  stateWithEventsWrites,
  type ListingEventInput,
} from './listing-events';
/** Opening, closing and ending listings (jobs and buy-now). */
export {
  closeAuction,
  closeSecond,
  openAuction,
  overdueListings,
  type BidsInFlightView,
  type CloseDeps,
  type WithdrawSuspendedBidders,
  type CloseResult,
  type SecondClosed,
} from './close-auction';
export { finalizeListing, finalizeListings, type Ending, type Finale } from './finalize-listing';
export { announceEndingSoon, pushEndingSoon, type EndingSoonResult } from './ending-soon';
