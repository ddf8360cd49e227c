import type { Trx } from '../../../db/connection';
import type { Platform } from '../../shared/platform';
import { notificationJob } from '../../shared/jobs';
import { writeOutbox, type OutboxMessage } from '../../shared/outbox';
import { lockAuction, type LockedAuction } from '../auctions';
import { shareLockLiveAccount } from '../users';
import { liveAuctionsOfBidder, suspendedBiddersOn } from './bidding.repository';
import { withdrawalEvents, withdrawBidders, type Withdrawal } from './withdraw-bids';

/**
 * SPEC §9: a suspended user cannot bid, and the bids they already had must not win either (as eBay
 * withdraws a suspended member's bids). The `bid.withdraw_suspended` job, written to the outbox by the
 * suspension's own transaction, withdraws them from every live auction, one listing at a time under
 * its row lock, with no time limit (a retraction's `canRetract` is the bidder's rule, not staff's).
 * Each listing is its own transaction, so a crash leaves some withdrawn and some not; a redelivered
 * job finds the first ones with nothing standing and changes nothing there, so it sends nothing twice.
 * A closed listing is left as it is: a sale already made goes on, as any open transaction of a
 * suspended account does. If the suspension was lifted before the job ran (or reached a listing),
 * the bids left stand; lifting it afterwards does not restore withdrawn bids (the user bids again if
 * they wish).
 */
export async function withdrawSuspendedBids(
  deps: Pick<Platform, 'db'>,
  { userId, suspendedAt }: { userId: string; suspendedAt: string },
): Promise<{ withdrawnFrom: number }> {
  let withdrawnFrom = 0;
  for (const listingId of await liveAuctionsOfBidder(deps.db, userId)) {
    const outcome = await deps.db.transaction().execute(async (trx) => {
      // Read in each listing's transaction, before its lock (the order publish and the takedown take):
      // an unsuspension that answered staff stops the withdrawals that follow, and one in flight waits.
      if (!(await shareLockLiveAccount(trx, userId))?.suspendedAt) return 'lifted';
      const listing = await lockAuction(trx, listingId);
      // Closed (or deleted) since the read: the close decided it; the job does not reopen it.
      if (!listing || listing.status !== 'active') return 'skipped';
      const withdrawal = await withdrawBidders(trx, listing, [userId]);
      if (!withdrawal) return 'skipped';
      const events = await withdrawalEvents(trx, listing.id, withdrawal);
      await writeOutbox(trx, [...events, ...newLeaderNotice(listing, withdrawal, `suspended-${userId}-${Date.parse(suspendedAt)}`)]);
      return 'withdrawn';
    });
    // Lifted (or the account gone) before this listing: the bids left stand.
    if (outcome === 'lifted') break;
    if (outcome === 'withdrawn') withdrawnFrom += 1;
  }
  return { withdrawnFrom };
}

/**
 * When the suspended user led, the bidder who leads now hears it (`now_leading`, as after a
 * retraction). The suspended user is told nothing per listing: the suspension is staff's business
 * with them, and their bids were not their choice to take back.
 */
function newLeaderNotice(listing: LockedAuction, { before, next }: Withdrawal, cause: string): OutboxMessage[] {
  const leader = next.leader?.bidderId;
  if (!leader || leader === before.leader?.bidderId) return [];
  return [
    notificationJob({
      userId: leader,
      type: 'now_leading',
      dedupeKey: `now-leading-${listing.id}-${leader}-${cause}`,
      text: { key: 'now_leading', params: { listingTitle: listing.title, currentPriceCents: next.currentPriceCents } },
      data: { listingId: listing.id, currentPriceCents: next.currentPriceCents },
    }),
  ];
}

/**
 * The close's re-check (given to the auctions module as `withdrawSuspendedBidders`): a close that runs
 * before the suspension's job withdraws the standing bids of every suspended bidder of the listing
 * itself — under the row lock the close holds — so that it sells on the recomputed state (the next
 * bidder at the replayed price, or no sale if the reserve is no longer met). The room sees the
 * `bids_retracted` event before `auction_ended`; nobody is told they lead (the close tells the winner).
 */
export async function withdrawSuspendedOnClose(trx: Trx, listing: LockedAuction): Promise<void> {
  const withdrawal = await withdrawBidders(trx, listing, await suspendedBiddersOn(trx, listing.id));
  if (withdrawal) await writeOutbox(trx, await withdrawalEvents(trx, listing.id, withdrawal));
}
