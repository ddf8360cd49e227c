import type { Platform } from '../../shared/platform';
import { bidderListingsPage, type MyBidListingRow } from './my-bids.repository';

export type MyBidState = 'leading' | 'outbid' | 'won' | 'lost';

/** Where the bidder stands on a listing: the winner of a sale won, anyone else on an ended or cancelled listing lost. */
export function myBidState(row: Pick<MyBidListingRow, 'status' | 'leaderId' | 'winnerId'>, userId: string): MyBidState {
  if (row.status === 'ended_sold') return row.winnerId === userId ? 'won' : 'lost';
  if (row.status === 'ended_unsold' || row.status === 'cancelled') return 'lost';
  return row.leaderId === userId ? 'leading' : 'outbid';
}

/**
 * GET /bids/me — one row per listing the signed-in bidder bid on, most recently bid first. Paged by the
 * bidder's latest own bid command on each listing (bid_requests.decision_seq, unique per command).
 */
export async function myBids(deps: Pick<Platform, 'db'>, userId: string, limit: number, cursor?: string) {
  const rows = await bidderListingsPage(deps.db, userId, limit + 1, cursor || undefined);
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      listingId: r.listingId,
      title: r.title,
      image: r.imageId !== null && r.imageUrl !== null ? { id: r.imageId, url: r.imageUrl } : null,
      endsAt: r.endsAt?.toISOString() ?? null,
      currentPriceCents: r.currentPriceCents,
      maxAmountCents: r.maxAmountCents,
      state: myBidState(r, userId),
    })),
    nextCursor: rows.length > limit ? page[page.length - 1].lastDecisionSeq : null,
  };
}
