/** Public surface of the listings module. */
export { auctionStateColumns, auctionStateOf, type AuctionStateColumns, type AuctionStateRow } from './auction-state';
export { listingImageRoutes } from './listing-images.routes';
export { listingRoutes } from './listings.routes';
export { LISTING_COLUMNS, type ListingRow } from './listings.repository';
export { takeDownListing, type TakedownResult } from './take-down-listing';
