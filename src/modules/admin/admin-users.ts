import type { User } from '../../../db/schema';
import { notFound, unprocessable } from '../../shared/errors';
import type { Ctx } from '../../shared/context';
import { jobId } from '../../shared/jobs';
import { jobFor, writeOutbox } from '../../shared/outbox';
import { decodeTimeCursor, encodeTimeCursor } from '../../shared/time-cursor';
import { auditLogPage, recordAudit } from '../audit';
import { revokeEverySession, writeSessionsEnd } from '../auth';
import type { SessionEndingDeps } from './grant-role';
import {
  findUserIncludingDeleted,
  lockAccount,
  presentSelf,
  searchUsersForStaff,
  setUserSuspended,
  userRatingSummary,
  userTransactionCounts,
} from '../users';
import type { AdminDeps } from './admin.deps';
import { adminRepository } from './admin.repository';
import { requirePermission } from './admin.policy';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** How many of a user's listings and transactions the staff profile shows. */
const PROFILE_ROWS = 20;

/** The reason and author of the suspension in force: the latest `user.suspended` audit entry. */
async function suspensionOf(deps: AdminDeps, user: User) {
  if (!user.suspendedAt) return null;
  const { items } = await auditLogPage(deps.db, { targetType: 'user', targetId: user.id, action: 'user.suspended', limit: 1 });
  const entry = items[0];
  return {
    since: user.suspendedAt.toISOString(),
    reason: (entry?.details as { reason?: unknown } | undefined)?.reason?.toString() ?? null,
    by: entry?.actorId ?? null,
  };
}

/** A user as staff see them: contact details, standing, activity counts and latest listings and sales. */
async function presentForStaff(deps: AdminDeps, user: User) {
  const [rating, counts, suspension, listings, transactions] = await Promise.all([
    userRatingSummary(deps.db, user.id),
    userTransactionCounts(deps.db, user.id),
    suspensionOf(deps, user),
    adminRepository.listingsOf(deps.db, user.id, PROFILE_ROWS),
    adminRepository.transactionsOf(deps.db, user.id, PROFILE_ROWS),
  ]);
  return {
    ...presentSelf(user),
    deletedAt: iso(user.deletedAt),
    nonPaymentStrikes: user.nonPaymentStrikes,
    suspension,
    ratingAverage: rating.average,
    ratingCount: rating.count,
    transactions: counts,
    recentListings: listings.map((l) => ({
      id: l.id,
      title: l.title,
      status: l.status,
      currentPriceCents: l.currentPriceCents,
      bidCount: l.bidCount,
      endsAt: iso(l.endsAt),
      createdAt: l.createdAt.toISOString(),
      deleted: l.deletedAt !== null,
    })),
    recentTransactions: transactions.map((t) => ({
      id: t.id,
      listingId: t.listingId,
      listingTitle: t.listingTitle,
      role: t.buyerId === user.id ? ('buyer' as const) : ('seller' as const),
      amountCents: t.amountCents,
      status: t.status,
      createdAt: t.createdAt.toISOString(),
    })),
  };
}

/** A row of the user search: enough to pick the right person. */
const presentSearchRow = (u: User) => ({
  ...presentSelf(u),
  suspended: u.suspendedAt !== null,
  deleted: u.deletedAt !== null,
});

/** GET /admin/users?q= — by phone prefix or part of the name, newest accounts first (audited). */
export async function searchUsers(deps: AdminDeps, ctx: Ctx, q: { q: string; limit: number; cursor?: string }) {
  requirePermission(ctx.actor, 'users:read');
  const rows = await searchUsersForStaff(deps.db, q.q, q.limit, q.cursor ? decodeTimeCursor(q.cursor) : undefined);
  const page = rows.slice(0, q.limit);
  await recordAudit(deps.db, {
    actorId: ctx.actor.userId,
    action: 'users.searched',
    targetType: 'user',
    targetId: '*',
    details: { q: q.q, cursor: q.cursor ?? null, count: page.length },
    requestId: ctx.requestId,
  });
  const last = page[page.length - 1];
  return {
    items: page.map(presentSearchRow),
    nextCursor: rows.length > q.limit && last ? encodeTimeCursor({ key: last.createdKey, id: last.id }) : null,
  };
}

/** GET /admin/users/:id (`users:read`, audited). */
export async function getUserForStaff(deps: AdminDeps, ctx: Ctx, userId: string) {
  requirePermission(ctx.actor, 'users:read');
  const user = await findUserIncludingDeleted(deps.db, userId);
  if (!user) throw notFound('user');
  await recordAudit(deps.db, {
    actorId: ctx.actor.userId,
    action: 'user.viewed',
    targetType: 'user',
    targetId: user.id,
    requestId: ctx.requestId,
  });
  return presentForStaff(deps, user);
}

/** What a suspended staff member's sockets are told. */
const STAFF_SUSPENDED = 'Your account has been suspended.';

/**
 * POST /admin/users/:id/suspend and …/unsuspend (`users:suspend`): a suspended account cannot bid,
 * buy or list (its open transactions go on), and its standing bids on live auctions are withdrawn
 * (the `bid.withdraw_suspended` job, written in the suspension's transaction; a close that comes
 * before the job withdraws a suspended leader's bids itself). Lifting the suspension restores no
 * withdrawn bid. The seller's scheduled and active listings are taken down as by staff (the
 * `listings.take_down_suspended_seller` job, same transaction; drafts and ended listings and their
 * sales are left); lifting the suspension does not restore them. Repeating it keeps the original
 * time; every call is audited with its reason, in the same database transaction as the change. A
 * suspended staff member also loses staff powers at once: their sessions end (tokens carry the role)
 * and a new session acts as a plain user until the suspension is lifted.
 */
export async function setSuspension(
  deps: AdminDeps & SessionEndingDeps,
  ctx: Ctx,
  userId: string,
  suspend: boolean,
  reason: string | null,
) {
  requirePermission(ctx.actor, 'users:suspend');
  if (suspend && userId === ctx.actor.userId) {
    throw unprocessable('cannot_suspend_self', 'You cannot suspend your own account.', {
      errors: [{ field: 'id', message: 'your own account' }],
    });
  }
  const user = await deps.db.transaction().execute(async (trx) => {
    // Once a suspension has answered, no bid of the user may still be accepted. A bid batch reads its
    // bidders under a KEY SHARE lock, which the plain update alone would not wait for; locking the row
    // FOR UPDATE first orders the two, as an account deletion does: a batch that read the user before
    // us commits before we go on, one that comes later waits for our commit and finds the user
    // suspended. The bid path takes no new lock. Lifting a suspension takes the same lock: the
    // suspension's takedown job reads the seller under a share lock in each of its transactions, and
    // a plain update would not wait for one in flight (which would then take a listing down after
    // staff were told the seller is back).
    await lockAccount(trx, userId);
    const updated = await setUserSuspended(trx, userId, suspend);
    if (!updated) throw notFound('user');
    await recordAudit(trx, {
      actorId: ctx.actor.userId,
      action: suspend ? 'user.suspended' : 'user.unsuspended',
      targetType: 'user',
      targetId: userId,
      details: reason === null ? {} : { reason },
      requestId: ctx.requestId,
    });
    if (suspend && updated.suspendedAt) {
      const suspendedAt = updated.suspendedAt;
      // One job per suspension (its time in the id): a repeated call adds nothing while it is queued.
      await writeOutbox(trx, [
        jobFor(
          'bid.withdraw_suspended',
          { userId, suspendedAt: suspendedAt.toISOString() },
          { jobId: jobId('withdraw-suspended', userId, suspendedAt.getTime()) },
        ),
        // Their scheduled and active listings are taken down as staff would, audited as this staff member.
        jobFor(
          'listings.take_down_suspended_seller',
          { userId, actorId: ctx.actor.userId, reason: reason ?? 'Account suspended' },
          { jobId: jobId('take-down-suspended', userId, suspendedAt.getTime()) },
        ),
      ]);
    }
    // A suspended staff member's sessions carry the staff role: the job ends the ones open now even if
    // this process dies right after the commit.
    if (suspend && updated.role !== 'user') await writeSessionsEnd(trx, userId, STAFF_SUSPENDED);
    return updated;
  });
  // After the commit, as for a role change: a refresh in between would mint the staff role again.
  if (suspend && user.role !== 'user') await revokeEverySession(deps, user.id, STAFF_SUSPENDED);
  return presentForStaff(deps, user);
}
