import type { Platform } from '../../shared/platform';
import type { Actor } from '../../shared/context';
import { conflict, notFound } from '../../shared/errors';
import { writeOutbox } from '../../shared/outbox';
import { appendListingEvents, auctionStateOf, canRetract, lockListing, minNextBidCents, recompute, saveAuctionState } from '../auctions';
import { aliasOf, findBid, findBidder, liveBids, retractBidder } from './bidding.repository';
import type { BidsInFlight } from './bids-in-flight';

/**
 * Retracts ALL of the actor's bids on the listing of bid `bidId` (SPEC §2), under the listing's row
 * lock, and recomputes the auction by replaying the remaining bids in their original order.
 */
export async function retractBids(deps: Pick<Platform, 'db'> & { bidsInFlight: Pick<BidsInFlight, 'now'> }, actor: Actor, bidId: string) {
  const bid = await findBid(deps.db, bidId);
  if (!bid || bid.bidderId !== actor.userId) throw notFound('bid');
  const now = await deps.bidsInFlight.now();
  return deps.db.transaction().execute(async (trx) => {
    const listing = await lockListing(trx, bid.listingId);
    if (!listing) throw new Error(`listing ${bid.listingId} of bid ${bidId} not found`);
    const me = await findBidder(trx, listing.id, actor.userId);
    const state = auctionStateOf(listing);
    if (!me || me.retractedAt || !canRetract(state, me.lastBidAt.getTime(), now)) {
      throw conflict(
        'retraction_not_allowed',
        'Bids can be retracted only while more than 12 hours remain, or within 1 hour of your latest bid.',
      );
    }
    await retractBidder(trx, listing.id, actor.userId);
    const live = await liveBids(trx, listing.id);
    const next = recompute(
      state,
      live.map((b) => ({ bidderId: b.bidderId, maxAmountCents: b.maxAmountCents, bidSeq: b.seq })),
    );
    await saveAuctionState(trx, listing.id, next);
    const leaderAlias = next.leader ? ((await aliasOf(trx, listing.id, next.leader.bidderId)) ?? null) : null;
    const summary = {
      currentPriceCents: next.currentPriceCents,
      bidCount: next.bidCount,
      minNextBidCents: minNextBidCents(next),
      leaderAlias,
    };
    await writeOutbox(trx, await appendListingEvents(trx, listing.id, [{ type: 'bids_retracted', payload: summary }]));
    return { listingId: listing.id, ...summary };
  });
}
