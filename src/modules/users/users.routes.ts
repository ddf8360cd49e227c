import { defineRoute, ok } from '../../http/route';
import { notFound } from '../../shared/errors';
import { findUserById, strikeStanding, updateUser, userRatingSummary } from './users.repository';
import { presentProfile, presentSelf } from './users.presenter';
import { PublicProfile, UpdateMeBody, UserIdParams, UserMe, UserSelf } from './users.schemas';

const tags = ['users'];

export const userRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/users/me',
      summary: 'The signed-in user',
      tags,
      responses: { 200: { description: 'You', schema: UserMe }, 404: { description: 'not_found: the account was deleted' } },
    },
    async (deps, { actor }) => {
      const user = await findUserById(deps.db, actor.userId);
      if (!user) throw notFound('user');
      const standing = await strikeStanding(deps.db, user.id);
      return ok({
        ...presentSelf(user),
        // The token's role, not the account's: a suspended staff member's session acts as a plain
        // user (sessionRole in the auth module), and the console must not offer it staff screens.
        sessionRole: actor.role,
        strikes: standing.recent,
        biddingSuspendedUntil: standing.biddingSuspendedUntil?.toISOString() ?? null,
      });
    },
  ),
  defineRoute(
    {
      method: 'patch',
      path: '/v1/users/me',
      summary: 'Update your profile',
      tags,
      body: UpdateMeBody,
      responses: { 200: { description: 'Updated', schema: UserSelf }, 404: { description: 'not_found: the account was deleted' } },
    },
    async (deps, { actor, body }) => {
      const user = await updateUser(deps.db, actor.userId, body);
      if (!user) throw notFound('user');
      return ok(presentSelf(user));
    },
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/users/:id/profile',
      summary: "A user's public profile",
      tags,
      params: UserIdParams,
      responses: { 200: { description: 'Public profile', schema: PublicProfile } },
    },
    async (deps, { params }) => {
      const user = await findUserById(deps.db, params.id);
      if (!user) throw notFound('user');
      return ok(presentProfile(user, await userRatingSummary(deps.db, user.id)));
    },
  ),
];
