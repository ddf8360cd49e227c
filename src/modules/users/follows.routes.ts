import { defineRoute, ok } from '../../http/route';
import type { Ctx } from '../../shared/context';
import { z } from '../../shared/zod';
import { followSeller, sellersFollowed, unfollowSeller } from './follows';
import { UserIdParams } from './users.schemas';

const tags = ['users'];
const ctxOf = ({ actor, requestId }: Ctx): Ctx => ({ actor, requestId });

const FollowState = z.object({ sellerId: z.uuid(), following: z.boolean() }).openapi('FollowState');
const FollowingQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional().openapi({ description: 'nextCursor of the previous page' }),
});
const FollowingPage = z
  .object({
    items: z.array(
      z.object({
        seller: z.object({ id: z.uuid(), displayName: z.string().nullable(), avatarUrl: z.string().nullable() }),
        followedAt: z.iso.datetime(),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi('FollowingPage');
const followErrors = {
  404: { description: 'No such user, or deleted' },
  422: { description: 'cannot_follow_self (errors name the field id)' },
};

/** Follows (SPEC §9): followers hear when the seller publishes. */
export const followRoutes = [
  defineRoute(
    {
      method: 'post',
      path: '/v1/users/:id/follow',
      summary: 'Follow a seller: you are notified when they publish (idempotent)',
      tags,
      params: UserIdParams,
      responses: { 200: { description: 'Following', schema: FollowState }, ...followErrors },
    },
    async (deps, input) => ok(await followSeller(deps, ctxOf(input), input.params.id)),
  ),
  defineRoute(
    {
      method: 'delete',
      path: '/v1/users/:id/follow',
      summary: 'Stop following a seller (idempotent)',
      tags,
      params: UserIdParams,
      responses: { 200: { description: 'Not following', schema: FollowState }, ...followErrors },
    },
    async (deps, input) => ok(await unfollowSeller(deps, ctxOf(input), input.params.id)),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/users/me/following',
      summary: 'The sellers you follow, most recent first',
      tags,
      query: FollowingQuery,
      responses: { 200: { description: 'One page; pass nextCursor back as cursor', schema: FollowingPage } },
    },
    async (deps, input) => ok(await sellersFollowed(deps, ctxOf(input), input.query.limit, input.query.cursor)),
  ),
];
