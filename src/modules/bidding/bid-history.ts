import type { Deps } from '../../composition';
import { notFound } from '../../shared/errors';
import { presentBid } from './bid-presenter';

/** Public bid history of a listing, newest first; maxima only on the viewer's own bids. */
export async function listingBidHistory(deps: Pick<Deps, 'db'>, listingId: string, viewerId: string | undefined, limit: number, cursor?: string) {
  const listing = await deps.db.selectFrom('listings').select(['status', 'sellerId']).where('id', '=', listingId).where('deletedAt', 'is', null).executeTakeFirst();
  if (!listing || (listing.status === 'draft' && listing.sellerId !== viewerId)) throw notFound('listing');
  let query = deps.db
    .selectFrom('bids')
    .innerJoin('listingBidders', (j) => j.onRef('listingBidders.listingId', '=', 'bids.listingId').onRef('listingBidders.bidderId', '=', 'bids.bidderId'))
    .select(['bids.id', 'bids.listingId', 'bids.bidderId', 'bids.amountCents', 'bids.maxAmountCents', 'bids.isAutoBid', 'bids.status', 'bids.createdAt', 'bids.seq', 'listingBidders.alias'])
    .where('bids.listingId', '=', listingId)
    .orderBy('bids.seq', 'desc')
    .limit(limit + 1);
  if (cursor) query = query.where('bids.seq', '<', Number(cursor));
  const rows = await query.execute();
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
export async function myBids(deps: Pick<Deps, 'db'>, userId: string, limit: number, cursor?: string) {
  let query = deps.db
    .selectFrom('bids')
    .innerJoin('listingBidders', (j) => j.onRef('listingBidders.listingId', '=', 'bids.listingId').onRef('listingBidders.bidderId', '=', 'bids.bidderId'))
    .innerJoin('bidRequests', 'bidRequests.requestId', 'bids.requestId')
    .select(['bids.id', 'bids.listingId', 'bids.bidderId', 'bids.amountCents', 'bids.maxAmountCents', 'bids.isAutoBid', 'bids.status', 'bids.createdAt', 'listingBidders.alias', 'bidRequests.decisionSeq'])
    .where('bids.bidderId', '=', userId)
    .where('bids.isAutoBid', '=', false)
    .orderBy('bidRequests.decisionSeq', 'desc')
    .limit(limit + 1);
  if (cursor) query = query.where('bidRequests.decisionSeq', '<', cursor);
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => presentBid(r, r.alias, userId)),
    nextCursor: rows.length > limit ? String(page[page.length - 1].decisionSeq) : null,
  };
}

/** Stored listing events after `after`, for clients catching up on what they missed. */
export async function listingEventsAfter(deps: Pick<Deps, 'db'>, listingId: string, after: number, limit: number) {
  const listing = await deps.db.selectFrom('listings').select(['status']).where('id', '=', listingId).where('deletedAt', 'is', null).executeTakeFirst();
  if (!listing || listing.status === 'draft') throw notFound('listing');
  const rows = await deps.db
    .selectFrom('listingEvents')
    .select(['seq', 'type', 'payload', 'createdAt'])
    .where('listingId', '=', listingId)
    .where('seq', '>', String(after))
    .orderBy('seq')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit).map((r) => ({ seq: Number(r.seq), type: r.type, payload: r.payload, createdAt: r.createdAt.toISOString() }));
  return { items: page, nextAfter: rows.length > limit ? page[page.length - 1].seq : null };
}
