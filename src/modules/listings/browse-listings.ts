import type { Platform } from '../../shared/platform';
import type { Actor } from '../../shared/context';
import { unauthorized } from '../../shared/errors';
import { categoryWithSubcategories } from '../categories';
import type { ItemCondition, ListingStatus } from '../../../db/schema';
import { BrowseCache } from './browse-cache';
import { browse, type BrowseFilter, type BrowseRow } from './browse.repository';
import { decodeCursor, encodeCursor } from './browse-cursor';
import { listingsRepository } from './listings.repository';
import { isSeller } from './listings.policy';
import { presentListing, type ListingDto } from './listings.presenter';
import type { BrowseQueryInput } from './listings.schemas';
import type { ViewerCtx } from '../../shared/context';

export const DEFAULT_RADIUS_KM = 25;

const STATUSES: Record<BrowseQueryInput['status'], ListingStatus[]> = {
  active: ['active'],
  scheduled: ['scheduled'],
  ended: ['ended_sold', 'ended_unsold'],
  draft: ['draft'],
  cancelled: ['cancelled'],
};

/**
 * The repository filter for a validated browse query. Deleted listings never appear; drafts and
 * cancelled ones only in the seller's own list (`mine=true`). `categories` is the category asked for
 * alone: `withSubcategories` adds the ones below it when the page is read.
 */
export function browseFilter(query: BrowseQueryInput, viewer: Actor | undefined): BrowseFilter {
  if (query.mine === 'true' && !viewer) throw unauthorized('missing_token', 'Sign in to list your own listings.');
  const near = query.near?.split(',').map(Number);
  const sort = query.sort ?? (query.status === 'draft' ? 'newest' : 'ending_soon');
  return {
    q: query.q,
    categories: query.category === undefined ? undefined : [query.category],
    conditions: query.condition?.split(',') as ItemCondition[] | undefined,
    minPriceCents: query.minPriceCents,
    maxPriceCents: query.maxPriceCents,
    near: near ? { lat: near[0], lng: near[1], radiusKm: query.radiusKm ?? DEFAULT_RADIUS_KM } : undefined,
    statuses: STATUSES[query.status],
    sellerId: query.mine === 'true' ? viewer!.userId : query.sellerId,
    sort,
    limit: query.limit,
    after: query.cursor ? decodeCursor(query.cursor, sort) : undefined,
  };
}

/** The page as its viewer sees it: rows come with images and aliases; only watch flags need a query. */
async function presentPage(deps: Pick<Platform, 'db'>, rows: BrowseRow[], viewer: Actor | undefined): Promise<ListingDto[]> {
  const watched = viewer ? await listingsRepository.watchedBy(deps.db, viewer.userId, rows.map((r) => r.id)) : undefined;
  return rows.map((row) =>
    presentListing(row, {
      images: row.images,
      leaderAlias: row.leaderAlias,
      sellerView: isSeller(row, viewer),
      isWatching: watched ? watched.has(row.id) : undefined,
      distanceKm: row.distanceKm,
    }),
  );
}

type BrowsePage = { items: ListingDto[]; nextCursor: string | null };

/** One cache per database (a process has one; each test environment its own). */
const caches = new WeakMap<object, BrowseCache<BrowsePage>>();

function cacheFor(deps: Pick<Platform, 'db' | 'config'>): BrowseCache<BrowsePage> {
  let cache = caches.get(deps.db);
  if (!cache) {
    cache = new BrowseCache(deps.config.timing.browseCacheMs);
    caches.set(deps.db, cache);
  }
  return cache;
}

/**
 * One page of published listings, keyset-paginated: `nextCursor` is null on the last page. An
 * anonymous page is the same for everyone, so it is shared for a moment (`BrowseCache`).
 */
export async function browseListings(deps: Pick<Platform, 'db' | 'config'>, ctx: ViewerCtx, query: BrowseQueryInput): Promise<BrowsePage> {
  const filter = browseFilter(query, ctx.actor);
  if (ctx.actor) return readPage(deps, filter, ctx.actor);
  // Keyed by the category asked for; its subcategories are looked up only on a miss, so a category
  // edit shows on the anonymous pages within the cache time.
  return cacheFor(deps).get(JSON.stringify(filter), () => readPage(deps, filter, undefined));
}

/** The filter with its category widened to that category's branch: browsing a parent shows its subcategories' listings. */
async function withSubcategories(deps: Pick<Platform, 'db'>, filter: BrowseFilter): Promise<BrowseFilter> {
  if (!filter.categories) return filter;
  const branches = await Promise.all(filter.categories.map((slug) => categoryWithSubcategories(deps.db, slug)));
  return { ...filter, categories: [...new Set(branches.flat())] };
}

async function readPage(deps: Pick<Platform, 'db'>, filter: BrowseFilter, viewer: Actor | undefined): Promise<BrowsePage> {
  const { rows, hasMore } = await browse(deps.db, await withSubcategories(deps, filter));
  const items = await presentPage(deps, rows, viewer);
  const last = rows.at(-1);
  const nextCursor = hasMore && last ? encodeCursor({ sort: filter.sort, key: last.sortKey, id: last.id }) : null;
  return { items, nextCursor };
}
