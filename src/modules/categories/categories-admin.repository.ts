import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { CategoriesTable, Database } from '../../../db/schema';
import type { Category } from './categories.repository';

/** Staff edits of categories (the categories module is the table's only writer). */
export const categoriesAdminRepository = {
  /**
   * Serializes staff edits of the tree (in the caller's transaction): each checks the parent and the
   * children it would nest under the lock, so two edits at once cannot make a second level or a cycle.
   */
  async lockTree(db: Kysely<Database>): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtext('categories:tree'))`.execute(db);
  },

  /** Every category, active or not, in display order. */
  async listAll(db: Kysely<Database>): Promise<Category[]> {
    return db.selectFrom('categories').selectAll().orderBy('sortOrder').orderBy('name').execute();
  },

  async find(db: Kysely<Database>, slug: string): Promise<Category | undefined> {
    return db.selectFrom('categories').selectAll().where('slug', '=', slug).executeTakeFirst();
  },

  /** Whether any category (active or not) has `slug` as its parent. */
  async hasChildren(db: Kysely<Database>, slug: string): Promise<boolean> {
    const row = await db.selectFrom('categories').select('slug').where('parentSlug', '=', slug).limit(1).executeTakeFirst();
    return row !== undefined;
  },

  /** Inserts unless the slug is taken (answers undefined then). */
  async insert(db: Kysely<Database>, values: Insertable<CategoriesTable>): Promise<Category | undefined> {
    return db
      .insertInto('categories')
      .values(values)
      .onConflict((oc) => oc.column('slug').doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  async update(db: Kysely<Database>, slug: string, patch: Updateable<CategoriesTable>): Promise<Category | undefined> {
    return db
      .updateTable('categories')
      .set({ ...patch, updatedAt: new Date() })
      .where('slug', '=', slug)
      .returningAll()
      .executeTakeFirst();
  },
};
