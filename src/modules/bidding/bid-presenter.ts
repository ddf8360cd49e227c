import type { PresentedBid } from './bid-results';

export interface BidRow {
  id: string;
  listingId: string;
  bidderId: string;
  amountCents: number;
  maxAmountCents: number;
  isAutoBid: boolean;
  status: 'active' | 'retracted';
  createdAt: Date;
}

/** A bid as others see it (alias, no maximum) or as its bidder sees it (with their maximum). */
export function presentBid(bid: BidRow, alias: string, viewerId: string | undefined): PresentedBid {
  return {
    id: bid.id,
    listingId: bid.listingId,
    alias,
    amountCents: bid.amountCents,
    ...(viewerId === bid.bidderId ? { maxAmountCents: bid.maxAmountCents } : {}),
    isAutoBid: bid.isAutoBid,
    status: bid.status,
    createdAt: bid.createdAt.toISOString(),
  };
}

/** Stable per-listing alias: the bidder's initial and their arrival order on this listing (`j***3`). */
export function aliasFor(displayName: string | null, ordinal: number): string {
  const initial = displayName?.trim().match(/[a-z0-9]/i)?.[0]?.toLowerCase() ?? 'b';
  return `${initial}***${ordinal}`;
}
