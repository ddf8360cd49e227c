import { z } from '../../shared/zod';

export const CategorySlug = z
  .string()
  .regex(/^[a-z0-9-]{2,40}$/, 'must be a category slug such as "bikes"')
  .openapi({ example: 'bikes' });

export const CategoryView = z
  .object({ slug: z.string(), name: z.string(), parentSlug: z.string().nullable(), sortOrder: z.number().int() })
  .openapi('Category');

export const CategoryList = z.object({ items: z.array(CategoryView), nextCursor: z.null() }).openapi('CategoryList');
