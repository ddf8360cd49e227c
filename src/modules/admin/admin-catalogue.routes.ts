import type { Role } from '../../../db/schema';
import { created, defineRoute, ok } from '../../http/route';
import { addCategory, changeCategory, listCategories } from './admin-categories';
import { takeDown } from './admin-listings';
import {
  CategorySlugParams,
  CreateCategoryBody,
  ListingIdParams,
  ReasonBody,
  StaffCategory,
  StaffCategoryList,
  TakedownResult,
  UpdateCategoryBody,
} from './admin.schemas';

const tags = ['admin'];
const staff: Role[] = ['support', 'admin'];
const admins: Role[] = ['admin'];
const adminOnly = { 403: { description: 'staff_only, missing_permission (categories:manage)' } };

/** Listing takedowns and the category tree. */
export const adminCatalogueRoutes = [
  defineRoute(
    {
      method: 'post',
      path: '/v1/admin/listings/:id/cancel',
      summary: 'Take a listing down at any time, bids or not; the seller, bidders and watchers are told (audited)',
      tags,
      roles: staff,
      params: ListingIdParams,
      body: ReasonBody,
      responses: {
        200: { description: 'Cancelled', schema: TakedownResult },
        403: { description: 'staff_only, missing_permission (listings:moderate)' },
        404: { description: 'No such listing' },
        409: { description: 'listing_already_cancelled, listing_ended' },
      },
    },
    async (deps, { actor, params, body, requestId }) => ok(await takeDown(deps, { actor, requestId }, params.id, body.reason)),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/admin/categories',
      summary: 'Every category, inactive ones too (admins)',
      tags,
      roles: admins,
      responses: { 200: { description: 'All categories', schema: StaffCategoryList }, ...adminOnly },
    },
    async (deps, { actor, requestId }) => ok(await listCategories(deps, { actor, requestId })),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/admin/categories',
      summary: 'Add a category (admins; audited)',
      tags,
      roles: admins,
      body: CreateCategoryBody,
      responses: {
        201: { description: 'Created', schema: StaffCategory },
        ...adminOnly,
        409: { description: 'category_exists (field slug)' },
        422: { description: 'invalid_parent_category (field parentSlug)' },
      },
    },
    async (deps, { actor, body, requestId }) => created(await addCategory(deps, { actor, requestId }, body)),
  ),
  defineRoute(
    {
      method: 'patch',
      path: '/v1/admin/categories/:slug',
      summary: 'Rename, move, reorder or (de)activate a category (admins; audited with before and after)',
      tags,
      roles: admins,
      params: CategorySlugParams,
      body: UpdateCategoryBody,
      responses: {
        200: { description: 'The category', schema: StaffCategory },
        ...adminOnly,
        404: { description: 'No such category' },
        422: { description: 'invalid_parent_category (field parentSlug)' },
      },
    },
    async (deps, { actor, params, body, requestId }) => ok(await changeCategory(deps, { actor, requestId }, params.slug, body)),
  ),
  defineRoute(
    {
      method: 'delete',
      path: '/v1/admin/categories/:slug',
      summary: 'Deactivate a category: existing listings keep it, new ones cannot use it (admins; audited)',
      tags,
      roles: admins,
      params: CategorySlugParams,
      responses: {
        200: { description: 'The deactivated category', schema: StaffCategory },
        ...adminOnly,
        404: { description: 'No such category' },
      },
    },
    async (deps, { actor, params, requestId }) => ok(await changeCategory(deps, { actor, requestId }, params.slug, { active: false })),
  ),
];
