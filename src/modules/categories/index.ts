/** Public surface of the categories module: which slugs exist and are open for listings. */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { categoriesRepository } from './categories.repository';

/** The slug rule a listing's category must follow. */
export { CategorySlug } from './categories.schemas';

/** True when `slug` names an active category (listings may only be filed under those). */
export async function isActiveCategory(db: Kysely<Database>, slug: string): Promise<boolean> {
  return (await categoriesRepository.findActive(db, slug)) !== undefined;
}
export { createCategory, listAllCategories, presentCategoryForStaff, updateCategory, type CategoryInput, type CategoryPatch } from './manage-categories';
