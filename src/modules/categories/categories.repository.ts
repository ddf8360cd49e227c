import type { Kysely, Selectable } from 'kysely';
import type { CategoriesTable, Database } from '../../../db/schema';

export type Category = Selectable<CategoriesTable>;

/** The only Kysely code for categories. Takes a Kysely or a transaction. */
export const categoriesRepository = {
  /** Active categories in display order. */
  async listActive(db: Kysely<Database>): Promise<Category[]> {
    return db.selectFrom('categories').selectAll().where('active', '=', true).orderBy('sortOrder').orderBy('name').execute();
  },

  async findActive(db: Kysely<Database>, slug: string): Promise<Category | undefined> {
    return db.selectFrom('categories').selectAll().where('slug', '=', slug).where('active', '=', true).executeTakeFirst();
  },
};
