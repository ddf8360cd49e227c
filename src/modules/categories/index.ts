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

/**
 * A category and all its subcategories (active or not), for browsing a category with what is filed
 * below it; an unknown slug answers itself alone. Not cached: one small query on the categories
 * table, and the anonymous browse pages that need it are cached themselves (listings' BrowseCache).
 */
export async function categoryWithSubcategories(db: Kysely<Database>, slug: string): Promise<string[]> {
  return categoriesRepository.branch(db, slug);
}
export { createCategory, listAllCategories, presentCategoryForStaff, updateCategory, type CategoryInput, type CategoryPatch } from './manage-categories';
