import type { Trx } from '../../../db/connection';
import { appendListingEvents, auctionStateOf, minNextBidCents, recompute, saveAuctionState, type AuctionState, type AuctionStateRow } from '../auctions';
import { aliasOf, liveBids, retractBidders } from './bidding.repository';

/** What a withdrawal did to the auction: the state before and after, and what the room is shown. */
export interface Withdrawal {
  before: AuctionState;
  next: AuctionState;
  summary: { currentPriceCents: number; bidCount: number; minNextBidCents: number; leaderAlias: string | null };
}

/**
 * The core of a retraction (SPEC §2), whoever asks for it — the bidder, a staff suspension, or the
 * close: withdraws every standing bid of `bidderIds` on the listing and recomputes the auction by
 * replaying the remaining bids in their original order. The caller holds the listing's row lock and
 * has decided that the withdrawal is allowed. Null when they had no standing bid there (nothing
 * changes, so a repeat writes nothing).
 */
export async function withdrawBidders(trx: Trx, listing: AuctionStateRow, bidderIds: string[]): Promise<Withdrawal | null> {
  if ((await retractBidders(trx, listing.id, bidderIds)) === 0) return null;
  const before = auctionStateOf(listing);
  const live = await liveBids(trx, listing.id);
  const next = recompute(
    before,
    live.map((b) => ({ bidderId: b.bidderId, maxAmountCents: b.maxAmountCents, bidSeq: b.seq })),
  );
  await saveAuctionState(trx, listing.id, next);
  const leaderAlias = next.leader ? ((await aliasOf(trx, listing.id, next.leader.bidderId)) ?? null) : null;
  return {
    before,
    next,
    summary: { currentPriceCents: next.currentPriceCents, bidCount: next.bidCount, minNextBidCents: minNextBidCents(next), leaderAlias },
  };
}

/** The `bids_retracted` listing event of a withdrawal (stored; returned as outbox messages for the room). */
export function withdrawalEvents(trx: Trx, listingId: string, withdrawal: Withdrawal) {
  return appendListingEvents(trx, listingId, [{ type: 'bids_retracted', payload: withdrawal.summary }]);
}
