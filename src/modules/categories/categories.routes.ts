import { defineRoute } from '../../http/route';
import { categoriesRepository } from './categories.repository';
import { presentCategory } from './categories.presenter';
import { CategoryList } from './categories.schemas';

export const categoryRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/categories',
      summary: 'Active listing categories, in display order',
      tags: ['categories'],
      auth: 'none',
      responses: { 200: { description: 'Every active category (one page: nextCursor is always null)', schema: CategoryList } },
    },
    async (deps) => {
      const categories = await categoriesRepository.listActive(deps.db);
      // Categories change rarely (admin edits); let clients and proxies cache the list briefly.
      return { status: 200, body: { items: categories.map(presentCategory), nextCursor: null }, headers: { 'Cache-Control': 'public, max-age=300' } };
    },
  ),
];
