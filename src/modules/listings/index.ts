/** Public surface of the listings module. */
export { LISTING_COLUMNS, type ListingRow } from './listings.repository';
