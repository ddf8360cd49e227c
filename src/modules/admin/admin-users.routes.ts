import { defineRoute, ok } from '../../http/route';
import { getUserForStaff, setSuspension } from './admin-users';
import { StaffUserSchema, SuspendBody, UserIdParams } from './admin.schemas';

const tags = ['admin'];
const roles: ('support' | 'admin')[] = ['support', 'admin'];

export const adminUserRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/admin/users/:id',
      summary: 'A user as staff see them (audited)',
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
    async (deps, { actor, params, body, requestId }) =>
      ok(await setSuspension(deps, { actor, requestId }, params.id, { reason: body.reason })),
  ),
  defineRoute(
    {
      method: 'delete',
      path: '/v1/admin/users/:id/suspend',
      summary: 'Lift a suspension (admins; audited)',
      tags,
      roles,
      params: UserIdParams,
      responses: {
        200: { description: 'The user', schema: StaffUserSchema },
        403: { description: 'staff_only, missing_permission (users:suspend)' },
        404: { description: 'No such user' },
      },
    },
    async (deps, { actor, params, requestId }) => ok(await setSuspension(deps, { actor, requestId }, params.id, null)),
  ),
];
