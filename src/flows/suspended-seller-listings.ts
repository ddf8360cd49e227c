import { recordAudit } from '../modules/audit';
import { takeDownSuspendedSellerListings as takeDownListingsOf } from '../modules/listings';
import type { Platform } from '../shared/platform';

/**
 * The `listings.take_down_suspended_seller` job, written by a staff suspension in its own transaction
 * (admin → listings, hence a flow): the listings module takes each running listing of the seller down
 * as a staff takedown does, and each takedown is audited here, in its transaction, as
 * `listing.taken_down` by the staff member who suspended the seller (`cause: 'seller_suspended'`).
 * Idempotent, and a no-op once the suspension is lifted (see `takeDownSuspendedSellerListings`).
 */
export async function takeDownSuspendedSellerListings(
  deps: Pick<Platform, 'db' | 'clock'>,
  { userId, actorId, reason }: { userId: string; actorId: string; reason: string },
): Promise<{ takenDown: number }> {
  return takeDownListingsOf(deps, userId, (trx, r) =>
    recordAudit(trx, {
      actorId,
      action: 'listing.taken_down',
      targetType: 'listing',
      targetId: r.listingId,
      details: {
        reason,
        cause: 'seller_suspended',
        previousStatus: r.previousStatus,
        sellerId: r.sellerId,
        bidders: r.bidderIds.length,
        watchers: r.watcherIds.length,
      },
    }),
  );
}
