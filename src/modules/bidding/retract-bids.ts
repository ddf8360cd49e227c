import type { Platform } from '../../shared/platform';
import type { Actor } from '../../shared/context';
import { conflict, notFound } from '../../shared/errors';
import { notificationJob } from '../../shared/jobs';
import { writeOutbox, type OutboxMessage } from '../../shared/outbox';
import { auctionStateOf, canRetract, lockListing } from '../auctions';
import { findBid, findBidder } from './bidding.repository';
import type { BidsInFlight } from './bids-in-flight';
import { withdrawalEvents, withdrawBidders } from './withdraw-bids';

/**
 * When the retraction moved the lead (the leader retracted), the new leader learns they lead and the
 * former leader that their retraction took effect; a retraction below the leader notifies nobody.
 */
function leaderChangeNotices(
  listing: { id: string; title: string },
  before: string | undefined,
  after: string | undefined,
  currentPriceCents: number,
  at: number,
): OutboxMessage[] {
  if (!before || before === after) return [];
  const listingTitle = listing.title;
  const data = { listingId: listing.id, currentPriceCents };
  const notices: OutboxMessage[] = [
    notificationJob({
      userId: before,
      type: 'bids_retracted',
      dedupeKey: `retracted-${listing.id}-${before}-${at}`,
      text: { key: 'bids_retracted', params: { listingTitle, currentPriceCents, hasNewLeader: Boolean(after) } },
      data,
    }),
  ];
  if (after) {
    notices.push(
      notificationJob({
        userId: after,
        type: 'now_leading',
        dedupeKey: `now-leading-${listing.id}-${after}-${at}`,
        text: { key: 'now_leading', params: { listingTitle, currentPriceCents } },
        data,
      }),
    );
  }
  return notices;
}

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
    const refused = () =>
      conflict('retraction_not_allowed', 'Bids can be retracted only while more than 12 hours remain, or within 1 hour of your latest bid.');
    if (!me || me.retractedAt || !canRetract(auctionStateOf(listing), me.lastBidAt.getTime(), now)) throw refused();
    const withdrawal = await withdrawBidders(trx, listing, [actor.userId]);
    if (!withdrawal) throw refused();
    const { before, next, summary } = withdrawal;
    const events = await withdrawalEvents(trx, listing.id, withdrawal);
    await writeOutbox(trx, [...events, ...leaderChangeNotices(listing, before.leader?.bidderId, next.leader?.bidderId, next.currentPriceCents, now)]);
    return { listingId: listing.id, ...summary };
  });
}
