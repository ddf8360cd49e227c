import type { Platform } from '../../shared/platform';
import { notFound } from '../../shared/errors';
import { presentBid } from './bid-presenter';
import { bidderBidsPage, findListingVisibility, listingBidsPage } from './bidding.repository';

/** Public bid history of a listing, newest first; maxima only on the viewer's own bids. */
export async function listingBidHistory(
  deps: Pick<Platform, 'db'>,
  listingId: string,
  viewerId: string | undefined,
  limit: number,
  cursor?: string,
) {
  const listing = await findListingVisibility(deps.db, listingId);
  if (!listing || (listing.status === 'draft' && listing.sellerId !== viewerId)) throw notFound('listing');
  const rows = await listingBidsPage(deps.db, listingId, limit + 1, cursor ? Number(cursor) : undefined);
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => presentBid(r, r.alias, viewerId)),
    nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null,
  };
}

/**
 * The signed-in bidder's own bid commands (not automatic proxy rows), newest first. Paged by decision
 * order (each own bid's command, bid_requests.decision_seq), which is unique: created_at is not (a
 * batch of commands shares it), so a created_at cursor would skip bids at a page boundary.
 */
export async function myBids(deps: Pick<Platform, 'db'>, userId: string, limit: number, cursor?: string) {
  const rows = await bidderBidsPage(deps.db, userId, limit + 1, cursor || undefined);
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => presentBid(r, r.alias, userId)),
    nextCursor: rows.length > limit ? String(page[page.length - 1].decisionSeq) : null,
  };
}
