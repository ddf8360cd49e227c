import type { Kysely, Selectable } from 'kysely';
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
};
