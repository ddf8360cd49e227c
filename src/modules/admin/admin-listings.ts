import type { Ctx } from '../../shared/context';
import { recordAudit } from '../audit';
import { takeDownListing } from '../listings';
import type { AdminDeps } from './admin.deps';
import { requirePermission } from './admin.policy';

/**
 * POST /admin/listings/:id/cancel (`listings:moderate`): the takedown goes through the listings
 * module under the listing's row lock; the audit entry (with the reason and who was told) commits
 * with it.
 */
export async function takeDown(deps: AdminDeps, ctx: Ctx, listingId: string, reason: string) {
  requirePermission(ctx.actor, 'listings:moderate');
  const result = await takeDownListing(deps, listingId, reason, (trx, r) =>
    recordAudit(trx, {
      actorId: ctx.actor.userId,
      action: 'listing.taken_down',
      targetType: 'listing',
      targetId: listingId,
      details: {
        reason,
        previousStatus: r.previousStatus,
        sellerId: r.sellerId,
        bidders: r.bidderIds.length,
        watchers: r.watcherIds.length,
      },
      requestId: ctx.requestId,
    }),
  );
  return {
    listingId: result.listingId,
    title: result.title,
    status: 'cancelled' as const,
    previousStatus: result.previousStatus,
    notified: { bidders: result.bidderIds.length, watchers: result.watcherIds.length },
  };
}
