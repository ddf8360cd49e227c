import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { conflict, notFound, unprocessable } from '../../shared/errors';
import { categoriesAdminRepository } from './categories-admin.repository';
import type { Category } from './categories.repository';

export interface CategoryInput {
  slug: string;
  name: string;
  parentSlug?: string | null;
  sortOrder?: number;
  active?: boolean;
}
export type CategoryPatch = Partial<Omit<CategoryInput, 'slug'>>;

/** A staff view of a category: the public fields plus whether listings may use it. */
export const presentCategoryForStaff = (c: Category) => ({
  slug: c.slug,
  name: c.name,
  parentSlug: c.parentSlug,
  sortOrder: c.sortOrder,
  active: c.active,
  updatedAt: c.updatedAt.toISOString(),
});

const parentError = (message: string) =>
  unprocessable('invalid_parent_category', `The parent category ${message}.`, { errors: [{ field: 'parentSlug', message }] });

/** A parent must exist and must not be the category itself (one level of nesting is what the app shows). */
async function checkParent(db: Kysely<Database>, slug: string, parentSlug: string | null | undefined): Promise<void> {
  if (parentSlug === undefined || parentSlug === null) return;
  if (parentSlug === slug) throw parentError('cannot be the category itself');
  const parent = await categoriesAdminRepository.find(db, parentSlug);
  if (!parent) throw parentError('does not exist');
  if (parent.parentSlug !== null) throw parentError('is itself a subcategory');
}

export const listAllCategories = (db: Kysely<Database>) => categoriesAdminRepository.listAll(db);

/** Creates a category (call it in a transaction: the tree lock is held until commit); a taken slug → 409 `category_exists` (field slug). */
export async function createCategory(db: Kysely<Database>, input: CategoryInput): Promise<Category> {
  await categoriesAdminRepository.lockTree(db);
  await checkParent(db, input.slug, input.parentSlug);
  const row = await categoriesAdminRepository.insert(db, {
    slug: input.slug,
    name: input.name,
    parentSlug: input.parentSlug ?? null,
    sortOrder: input.sortOrder ?? 0,
    active: input.active ?? true,
  });
  if (!row)
    throw conflict('category_exists', `A category "${input.slug}" already exists.`, {
      errors: [{ field: 'slug', message: 'already exists' }],
    });
  return row;
}

/** The patch fields whose value differs from the stored row (absent fields change nothing). */
function changedFields(before: Category, patch: CategoryPatch): CategoryPatch {
  const changes: CategoryPatch = {};
  if (patch.name !== undefined && patch.name !== before.name) changes.name = patch.name;
  if (patch.parentSlug !== undefined && patch.parentSlug !== before.parentSlug) changes.parentSlug = patch.parentSlug;
  if (patch.sortOrder !== undefined && patch.sortOrder !== before.sortOrder) changes.sortOrder = patch.sortOrder;
  if (patch.active !== undefined && patch.active !== before.active) changes.active = patch.active;
  return changes;
}

/**
 * Changes a category (in a transaction, like createCategory); answers the rows before and after (for the audit
 * entry) and whether anything changed: a patch that changes nothing writes nothing (not even updatedAt), so the
 * caller can skip its audit entry too.
 */
export async function updateCategory(
  db: Kysely<Database>,
  slug: string,
  patch: CategoryPatch,
): Promise<{ before: Category; after: Category; changed: boolean }> {
  await categoriesAdminRepository.lockTree(db);
  const before = await categoriesAdminRepository.find(db, slug);
  if (!before) throw notFound('category');
  await checkParent(db, slug, patch.parentSlug);
  // Moving a category that has subcategories under a parent would make their level a second one.
  if (patch.parentSlug && (await categoriesAdminRepository.hasChildren(db, slug))) {
    throw parentError('cannot be set on a category that has subcategories');
  }
  const changes = changedFields(before, patch);
  if (Object.keys(changes).length === 0) return { before, after: before, changed: false };
  const after = await categoriesAdminRepository.update(db, slug, changes);
  if (!after) throw notFound('category');
  return { before, after, changed: true };
}
