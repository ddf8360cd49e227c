import { sql } from 'kysely';
import type { User } from '../../../db/schema';
import type { Deps } from '../../composition';
import { notFound, unprocessable } from '../../shared/errors';
import { recordAudit } from '../audit';
import type { Ctx } from '../../shared/context';
import { presentSelf } from '../users/users.presenter';
import { usersRepository } from '../users/users.repository';
import { requirePermission } from './admin.policy';

type AdminDeps = Pick<Deps, 'db'>;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A user as staff see them: contact details, standing, and activity counts. */
async function presentForStaff(deps: AdminDeps, user: User) {
  const [rating, counts, suspension] = await Promise.all([
    usersRepository.ratingSummary(deps.db, user.id),
    deps.db
      .selectFrom('transactions')
      .select([
        sql<string>`count(*) FILTER (WHERE buyer_id = ${user.id})`.as('asBuyer'),
        sql<string>`count(*) FILTER (WHERE seller_id = ${user.id})`.as('asSeller'),
      ])
      .where((eb) => eb.or([eb('buyerId', '=', user.id), eb('sellerId', '=', user.id)]))
      .executeTakeFirstOrThrow(),
    user.suspendedAt
      ? deps.db
          .selectFrom('auditLog')
          .select(['details', 'actorId'])
          .where('targetType', '=', 'user')
          .where('targetId', '=', user.id)
          .where('action', '=', 'user.suspended')
          .orderBy('id', 'desc')
          .executeTakeFirst()
      : undefined,
  ]);
  return {
    ...presentSelf(user),
    deletedAt: iso(user.deletedAt),
    nonPaymentStrikes: user.nonPaymentStrikes,
    suspension: user.suspendedAt
      ? {
          since: user.suspendedAt.toISOString(),
          reason: (suspension?.details as { reason?: string } | undefined)?.reason ?? null,
          by: suspension?.actorId ?? null,
        }
      : null,
    ratingAverage: rating.average,
    ratingCount: rating.count,
    transactions: { asBuyer: Number(counts.asBuyer), asSeller: Number(counts.asSeller) },
  };
}

/** Staff see soft-deleted accounts too (support cases outlive a deletion); everyone else does not. */
const findAny = (deps: AdminDeps, id: string) => deps.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

/** GET /admin/users/:id (`users:read`, audited). */
export async function getUserForStaff(deps: AdminDeps, ctx: Ctx, userId: string) {
  requirePermission(ctx.actor, 'users:read');
  const user = await findAny(deps, userId);
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

/**
 * POST /admin/users/:id/suspend (`users:suspend`): a suspended account cannot bid, buy or list (its
 * open transactions go on). Repeating it keeps the original time; every call is audited with its reason.
 */
export async function setSuspension(deps: AdminDeps, ctx: Ctx, userId: string, suspend: { reason: string } | null) {
  requirePermission(ctx.actor, 'users:suspend');
  if (suspend && userId === ctx.actor.userId) {
    throw unprocessable('cannot_suspend_self', 'You cannot suspend your own account.', {
      errors: [{ field: 'id', message: 'your own account' }],
    });
  }
  const user = await deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('users')
      .set({ suspendedAt: suspend ? sql<Date>`coalesce(suspended_at, now())` : null })
      .where('id', '=', userId)
      .where('deletedAt', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw notFound('user');
    await recordAudit(trx, {
      actorId: ctx.actor.userId,
      action: suspend ? 'user.suspended' : 'user.unsuspended',
      targetType: 'user',
      targetId: userId,
      details: suspend ? { reason: suspend.reason } : {},
      requestId: ctx.requestId,
    });
    return updated;
  });
  return presentForStaff(deps, user);
}
