/** Public surface of the listings module. */
export { listingImageRoutes } from './listing-images.routes';
export { listingRoutes } from './listings.routes';
export { LISTING_COLUMNS, type ListingRow } from './listings.repository';
