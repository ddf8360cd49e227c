/** Public surface of the listings module. */
/** The listing row as other modules read it (columns and type). */
export { LISTING_COLUMNS, type ListingRow } from './listings.repository';
/** Relisting and a second-chance offer are alternatives: the offers module asks for a live relist. */
export { liveRelistOf } from './listings.repository';
/** Whether the user may sell (live, verified, not suspended): a second-chance offer is selling too. */
export { assertSellerMayList } from './listing-checks';
export { registerBrowseCacheMetrics } from './browse-cache';
export { takeDownListing, takeDownSuspendedSellerListings, type TakedownResult } from './take-down-listing';

/**
 * A seller's listings as their account is deleted, restored, exported or purged (the purge erases their
 * photos, descriptions and locations), and the user's watches for the export and the purge (SPEC §9).
 */
export {
  eraseListingsContentOf,
  eraseWatchesOf,
  restoreSellerListings,
  sellerHasLiveAuctionWithBids,
  sellerListingsForExport,
  softDeleteSellerListings,
  watchesOfUser,
} from './account-listings.repository';

/** The followers' fan-out when a seller publishes (SPEC §9), run by the notifications worker. */
export { notifyFollowers, FOLLOWER_BATCH, type FanoutOutcome } from './notify-followers';
