import type { Role } from '../../../db/schema';
import { defineRoute, ok } from '../../http/route';
import { getUserForStaff, searchUsers, setSuspension } from './admin-users';
import { OptionalReasonBody, StaffUserPage, StaffUserSchema, StaffUsersQuery, SuspendBody, UserIdParams } from './admin.schemas';

const tags = ['admin'];
const roles: Role[] = ['support', 'admin'];

export const adminUserRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/admin/users',
      summary: 'Find users by phone prefix or part of the name, newest accounts first (audited)',
      tags,
      roles,
      query: StaffUsersQuery,
      responses: {
        200: { description: 'A page of users', schema: StaffUserPage },
        400: { description: 'validation_failed (field cursor)' },
        403: { description: 'staff_only, missing_permission (users:read)' },
      },
    },
    async (deps, { actor, query, requestId }) => ok(await searchUsers(deps, { actor, requestId }, query)),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/admin/users/:id',
      summary: 'A user as staff see them, with latest listings and transactions (audited)',
      tags,
      roles,
      params: UserIdParams,
      responses: {
        200: { description: 'The user', schema: StaffUserSchema },
        403: { description: 'staff_only' },
        404: { description: 'No such user' },
      },
    },
    async (deps, { actor, params, requestId }) => ok(await getUserForStaff(deps, { actor, requestId }, params.id)),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/admin/users/:id/suspend',
      summary: 'Suspend an account: no bidding, buying or listing (admins; audited with the reason)',
      tags,
      roles,
      params: UserIdParams,
      body: SuspendBody,
      responses: {
        200: { description: 'The suspended user', schema: StaffUserSchema },
        403: { description: 'staff_only, missing_permission (users:suspend)' },
        404: { description: 'No such user' },
        422: { description: 'cannot_suspend_self' },
      },
    },
    async (deps, { actor, params, body, requestId }) => ok(await setSuspension(deps, { actor, requestId }, params.id, true, body.reason)),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/admin/users/:id/unsuspend',
      summary: 'Lift a suspension, optionally saying why (admins; audited)',
      tags,
      roles,
      params: UserIdParams,
      body: OptionalReasonBody,
      responses: {
        200: { description: 'The user', schema: StaffUserSchema },
        403: { description: 'staff_only, missing_permission (users:suspend)' },
        404: { description: 'No such user' },
      },
    },
    async (deps, { actor, params, body, requestId }) =>
      ok(await setSuspension(deps, { actor, requestId }, params.id, false, body.reason ?? null)),
  ),
  defineRoute(
    {
      method: 'delete',
      path: '/v1/admin/users/:id/suspend',
      summary: 'Lift a suspension (admins; audited). Same as POST …/unsuspend without a reason',
      tags,
      roles,
      params: UserIdParams,
      responses: {
        200: { description: 'The user', schema: StaffUserSchema },
        403: { description: 'staff_only, missing_permission (users:suspend)' },
        404: { description: 'No such user' },
      },
    },
    async (deps, { actor, params, requestId }) => ok(await setSuspension(deps, { actor, requestId }, params.id, false, null)),
  ),
];
