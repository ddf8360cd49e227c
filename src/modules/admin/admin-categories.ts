import type { Ctx } from '../../shared/context';
import { recordAudit } from '../audit';
import {
  createCategory,
  listAllCategories,
  presentCategoryForStaff,
  updateCategory,
  type CategoryInput,
  type CategoryPatch,
} from '../categories';
import type { AdminDeps } from './admin.deps';
import { requirePermission } from './admin.policy';

/** GET /admin/categories: every category, inactive ones too. */
export async function listCategories(deps: AdminDeps, ctx: Ctx) {
  requirePermission(ctx.actor, 'categories:manage');
  const rows = await listAllCategories(deps.db);
  return { items: rows.map(presentCategoryForStaff), nextCursor: null };
}

/** POST /admin/categories (admin, audited with the new row). */
export async function addCategory(deps: AdminDeps, ctx: Ctx, input: CategoryInput) {
  requirePermission(ctx.actor, 'categories:manage');
  return deps.db.transaction().execute(async (trx) => {
    const row = presentCategoryForStaff(await createCategory(trx, input));
    await recordAudit(trx, {
      actorId: ctx.actor.userId,
      action: 'category.created',
      targetType: 'category',
      targetId: row.slug,
      details: { after: row },
      requestId: ctx.requestId,
    });
    return row;
  });
}

/**
 * PATCH /admin/categories/:slug and DELETE (= `active: false`: listings keep their category, new
 * ones cannot use it). Audited with before and after when something changed.
 */
export async function changeCategory(deps: AdminDeps, ctx: Ctx, slug: string, patch: CategoryPatch) {
  requirePermission(ctx.actor, 'categories:manage');
  return deps.db.transaction().execute(async (trx) => {
    const { before, after, changed } = await updateCategory(trx, slug, patch);
    const view = presentCategoryForStaff(after);
    // A no-op (empty patch, same values, deactivating an inactive category) answers as usual but is not an event.
    if (!changed) return view;
    await recordAudit(trx, {
      actorId: ctx.actor.userId,
      action: 'category.updated',
      targetType: 'category',
      targetId: slug,
      details: { before: presentCategoryForStaff(before), after: view },
      requestId: ctx.requestId,
    });
    return view;
  });
}
