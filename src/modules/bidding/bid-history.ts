import type { Platform } from '../../shared/platform';
import { notFound } from '../../shared/errors';
import { neverPublished } from '../auctions';
import { presentBid } from './bid-presenter';
import { findListingVisibility, listingBidsPage } from './bidding.repository';

/** Public bid history of a listing, newest first; maxima only on the viewer's own bids. */
export async function listingBidHistory(
  deps: Pick<Platform, 'db'>,
  listingId: string,
  viewerId: string | undefined,
  limit: number,
  cursor?: string,
) {
  const listing = await findListingVisibility(deps.db, listingId);
  if (!listing || (neverPublished(listing) && listing.sellerId !== viewerId)) throw notFound('listing');
  const rows = await listingBidsPage(deps.db, listingId, limit + 1, cursor ? Number(cursor) : undefined);
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => presentBid(r, r.alias, viewerId)),
    nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null,
  };
}
