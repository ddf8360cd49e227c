import { defineRoute, ok } from '../../http/route';
import { z } from '../../shared/zod';
import { ListingPage } from './listings.schemas';
import { myWatchlist } from './watchlist';

const WatchlistQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().max(200).optional(),
});

/** The caller's watchlist (SPEC §9): private, so always the signed-in user's own watches. */
export const watchlistRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/users/me/watchlist',
      summary: 'Listings you watch, most recently watched first',
      tags: ['listings'],
      query: WatchlistQuery,
      responses: { 200: { description: 'One page; pass nextCursor back as cursor for the next', schema: ListingPage }, 400: { description: 'cursor is not from this list' } },
    },
    async (deps, { actor, query, requestId }) => ok(await myWatchlist(deps, { actor, requestId }, query)),
  ),
];
