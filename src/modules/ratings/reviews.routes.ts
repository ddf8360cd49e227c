import { defineRoute, ok } from '../../http/route';
import { z } from '../../shared/zod';
import { userReviews } from './reviews';

const ReviewsParams = z.object({ id: z.uuid() });
const ReviewsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().max(200).optional(),
});

const Review = z
  .object({
    id: z.uuid(),
    score: z.number().int(),
    comment: z.string().nullable(),
    reviewerRole: z.enum(['buyer', 'seller']).describe('The side the reviewer was on in the sale'),
    createdAt: z.iso.datetime(),
  })
  .openapi('Review');
const ReviewPage = z.object({ items: z.array(Review), nextCursor: z.string().nullable() }).openapi('ReviewPage');

/** Reviews a user received (SPEC §9), shown like the public profile. */
export const reviewRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/users/:id/reviews',
      summary: "A user's reviews, newest first",
      tags: ['ratings'],
      params: ReviewsParams,
      query: ReviewsQuery,
      responses: { 200: { description: 'One page; pass nextCursor back as cursor', schema: ReviewPage }, 404: { description: 'No such user, or deleted' } },
    },
    async (deps, { params, query }) => ok(await userReviews(deps, params.id, query.limit, query.cursor)),
  ),
];
