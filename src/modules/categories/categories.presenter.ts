import type { Category } from './categories.repository';

/** Public view of a category. */
export function presentCategory(category: Category) {
  return { slug: category.slug, name: category.name, parentSlug: category.parentSlug, sortOrder: category.sortOrder };
}
