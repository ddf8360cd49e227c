import type { Ctx } from '../../shared/context';
import type { Platform } from '../../shared/platform';
import { decodeCursor, encodeCursor } from './browse-cursor';
import { listingViews } from './listing-views';
import type { ListingDto } from './listings.presenter';
import { watchlistRepository } from './watchlist.repository';

type WatchlistDeps = Pick<Platform, 'db'>;

/** Cursor namespace: a browse cursor is refused here and the other way round. */
const WATCHLIST_SORT = 'watchlist';

export interface WatchlistQuery {
  limit: number;
  cursor?: string;
}

/** GET /users/me/watchlist — the listings the caller watches (any status), most recently watched first. */
export async function myWatchlist(deps: WatchlistDeps, ctx: Ctx, query: WatchlistQuery): Promise<{ items: ListingDto[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor, WATCHLIST_SORT) : undefined;
  const rows = await watchlistRepository.page(deps.db, ctx.actor.userId, query.limit + 1, after);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const items = await listingViews(
    deps,
    page.map(({ watchedAt: _watchedAt, ...listing }) => listing),
    ctx.actor,
  );
  return {
    items,
    nextCursor: rows.length > query.limit && last ? encodeCursor({ sort: WATCHLIST_SORT, key: last.watchedAt, id: last.id }) : null,
  };
}
