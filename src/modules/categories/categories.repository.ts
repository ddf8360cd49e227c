import { sql, type Kysely, type Selectable } from 'kysely';
import type { CategoriesTable, Database } from '../../../db/schema';

export type Category = Selectable<CategoriesTable>;

/**
 * Active categories whose parent (if any) is active too: deactivating a parent closes its branch, so
 * the public tree never names a parent it does not list and no listing is filed under a closed branch.
 */
function openCategories(db: Kysely<Database>) {
  return db
    .selectFrom('categories as c')
    .leftJoin('categories as p', 'p.slug', 'c.parentSlug')
    .selectAll('c')
    .where('c.active', '=', true)
    .where((eb) => eb.or([eb('c.parentSlug', 'is', null), eb('p.active', '=', true)]));
}

/** The only Kysely code for categories. Takes a Kysely or a transaction. */
export const categoriesRepository = {
  /** Active categories (under an active parent) in display order. */
  async listActive(db: Kysely<Database>): Promise<Category[]> {
    return openCategories(db).orderBy('c.sortOrder').orderBy('c.name').execute();
  },

  async findActive(db: Kysely<Database>, slug: string): Promise<Category | undefined> {
    return openCategories(db).where('c.slug', '=', slug).executeTakeFirst();
  },

  /**
   * `slug` and the slugs of every category below it, active or not (listings filed under a closed
   * category stay browsable). The slug itself comes back even when no such category exists. The tree is
   * one level deep today (manage-categories.ts); the recursion keeps this right if it grows, and
   * UNION (not ALL) stops at a cycle.
   */
  async branch(db: Kysely<Database>, slug: string): Promise<string[]> {
    const { rows } = await sql<{ slug: string }>`
      WITH RECURSIVE branch (slug) AS (
        SELECT ${slug}::text
        UNION
        SELECT c.slug FROM categories c JOIN branch b ON c.parent_slug = b.slug)
      SELECT slug FROM branch ORDER BY slug`.execute(db);
    return rows.map((r) => r.slug);
  },
};
