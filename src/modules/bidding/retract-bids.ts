import { sql } from 'kysely';
import type { Deps } from '../../composition';
import type { Actor } from '../../shared/context';
import { conflict, notFound } from '../../shared/errors';
import { writeOutbox } from '../../shared/outbox';
import { appendListingEvents } from '../auctions';
import { auctionStateColumns, auctionStateOf } from '../auctions';
import { canRetract, minNextBidCents, recompute } from '../auctions';

/**
 * Retracts ALL of the actor's bids on the listing of bid `bidId` (SPEC §2), under the listing's row
 * lock, and recomputes the auction by replaying the remaining bids in their original order.
 */
export async function retractBids(deps: Pick<Deps, 'db' | 'bidsInFlight'>, actor: Actor, bidId: string) {
  const bid = await deps.db.selectFrom('bids').select(['listingId', 'bidderId']).where('id', '=', bidId).executeTakeFirst();
  if (!bid || bid.bidderId !== actor.userId) throw notFound('bid');
  const now = await deps.bidsInFlight.now();
  return deps.db.transaction().execute(async (trx) => {
    const listing = await trx.selectFrom('listings').selectAll().where('id', '=', bid.listingId).forUpdate().executeTakeFirstOrThrow();
    const me = await trx.selectFrom('listingBidders').select(['lastBidAt', 'retractedAt']).where('listingId', '=', listing.id).where('bidderId', '=', actor.userId).executeTakeFirst();
    const state = auctionStateOf(listing);
    if (!me || me.retractedAt || !canRetract(state, me.lastBidAt.getTime(), now)) {
      throw conflict('retraction_not_allowed', 'Bids can be retracted only while more than 12 hours remain, or within 1 hour of your latest bid.');
    }
    await trx.updateTable('bids').set({ status: 'retracted' }).where('listingId', '=', listing.id).where('bidderId', '=', actor.userId).execute();
    await trx.updateTable('listingBidders').set({ retractedAt: sql<Date>`now()` }).where('listingId', '=', listing.id).where('bidderId', '=', actor.userId).execute();
    const live = await trx
      .selectFrom('bids')
      .select(['bidderId', 'maxAmountCents', 'seq'])
      .where('listingId', '=', listing.id)
      .where('status', '=', 'active')
      .where('isAutoBid', '=', false)
      .orderBy('seq')
      .execute();
    const next = recompute(state, live.map((b) => ({ bidderId: b.bidderId, maxAmountCents: b.maxAmountCents, bidSeq: b.seq })));
    await trx.updateTable('listings').set(auctionStateColumns(next)).where('id', '=', listing.id).execute();
    const leaderAlias = next.leader
      ? (await trx.selectFrom('listingBidders').select('alias').where('listingId', '=', listing.id).where('bidderId', '=', next.leader.bidderId).executeTakeFirst())?.alias ?? null
      : null;
    const summary = { currentPriceCents: next.currentPriceCents, bidCount: next.bidCount, minNextBidCents: minNextBidCents(next), leaderAlias };
    await writeOutbox(trx, await appendListingEvents(trx, listing.id, [{ type: 'bids_retracted', payload: summary }]));
    return { listingId: listing.id, ...summary };
  });
}
