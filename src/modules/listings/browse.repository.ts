import { sql, type Kysely, type RawBuilder } from 'kysely';
import { anyOf } from '../../../db/any-of';
import { planEachTime } from '../../../db/prepared';
import type { Database, ItemCondition, ListingStatus } from '../../../db/schema';
import { boundingBox, EARTH_RADIUS_KM } from './geo';
import { LISTING_COLUMNS, type ListingImage, type ListingRow } from './listings.repository';

export type BrowseSort = 'ending_soon' | 'newest' | 'price_asc' | 'price_desc' | 'distance';

export interface BrowseFilter {
  q?: string;
  /** The listing is filed under one of these categories (a category and its subcategories). */
  categories?: string[];
  conditions?: ItemCondition[];
  minPriceCents?: number;
  maxPriceCents?: number;
  near?: { lat: number; lng: number; radiusKm: number };
  statuses: ListingStatus[];
  sellerId?: string;
  sort: BrowseSort;
  limit: number;
  /** Keyset position: rows strictly after (key, id) in the sort order. */
  after?: { key: string; id: string };
}

/** An image as a page shows it (what the presenter reads). */
export type PageImage = Pick<ListingImage, 'id' | 'url' | 'contentType' | 'sizeBytes' | 'position'>;

/** A listing of a page with what presenting it needs: its images in order and the leader's alias. */
export type BrowseRow = ListingRow & { sortKey: string; distanceKm: number | null; images: PageImage[]; leaderAlias: string | null };

interface SortSpec {
  key: RawBuilder<unknown>;
  /** SQL type the cursor's text key is cast back to. */
  type: string;
  dir: 'asc' | 'desc';
  idDir: 'asc' | 'desc';
}

/** Haversine distance in km from a point to the listing (same formula and radius as geo.ts). */
const distanceSql = (lat: number, lng: number) =>
  sql<number>`(2 * ${EARTH_RADIUS_KM}::float8 * asin(least(1.0::float8, sqrt(
    power(sin(radians(location_lat - ${lat}::float8) / 2), 2)
    + cos(radians(${lat}::float8)) * cos(radians(location_lat)) * power(sin(radians(location_lng - ${lng}::float8) / 2), 2)))))`;

/**
 * Each sort is a total order (sort key, then id) matching an index: ending soon → (status, ends_at, id),
 * newest → (status, created_at DESC, id), price → (status, current_price_cents, id).
 */
function sortSpec(f: BrowseFilter): SortSpec {
  switch (f.sort) {
    case 'ending_soon':
      // A draft has no end yet, nor a draft taken down (`cancelled`): those lists put them last under
      // a key a cursor can carry (a NULL key fell out of the row comparison). Published lists keep the
      // bare column their index is on.
      if (f.statuses.some((s) => s === 'draft' || s === 'cancelled')) {
        return { key: sql`coalesce(ends_at, 'infinity'::timestamptz)`, type: 'timestamptz', dir: 'asc', idDir: 'asc' };
      }
      return { key: sql`ends_at`, type: 'timestamptz', dir: 'asc', idDir: 'asc' };
    case 'newest':
      return { key: sql`created_at`, type: 'timestamptz', dir: 'desc', idDir: 'asc' };
    case 'price_asc':
      return { key: sql`current_price_cents`, type: 'integer', dir: 'asc', idDir: 'asc' };
    case 'price_desc':
      return { key: sql`current_price_cents`, type: 'integer', dir: 'desc', idDir: 'desc' };
    case 'distance':
      if (!f.near) throw new Error('distance sort needs near');
      return { key: distanceSql(f.near.lat, f.near.lng), type: 'float8', dir: 'asc', idDir: 'asc' };
  }
}

/** Rows after the cursor. Same-direction orders use a row comparison (an index condition as is). */
function keysetCondition(spec: SortSpec, after: { key: string; id: string }): RawBuilder<boolean> {
  const value = sql`${after.key}::${sql.raw(spec.type)}`;
  const id = sql`${after.id}::uuid`;
  const op = sql.raw(spec.dir === 'asc' ? '>' : '<');
  if (spec.dir === spec.idDir) return sql<boolean>`(${spec.key}, id) ${op} (${value}, ${id})`;
  // Mixed directions: the first conjunct bounds the index scan, the second breaks ties by id.
  const opOrEqual = sql.raw(spec.dir === 'asc' ? '>=' : '<=');
  const idOp = sql.raw(spec.idDir === 'asc' ? '>' : '<');
  return sql<boolean>`(${spec.key} ${opOrEqual} ${value} AND (${spec.key} ${op} ${value} OR id ${idOp} ${id}))`;
}

/**
 * A page's images and leader aliases come with its rows (correlated subqueries the planner runs only
 * for the rows the LIMIT keeps): one statement per page instead of three, because on this kind of
 * host every round trip's socket writes cost more CPU than the small index lookups themselves.
 */
const imagesSql = sql<PageImage[]>`(
  SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'contentType', i.content_type,
    'sizeBytes', i.size_bytes, 'position', i.position) ORDER BY i.position, i.created_at), '[]'::json)
  FROM listing_images i WHERE i.listing_id = listings.id)`;
const leaderAliasSql = sql<string | null>`(
  SELECT b.alias FROM listing_bidders b WHERE b.listing_id = listings.id AND b.bidder_id = listings.leader_id)`;

/**
 * The browse query, built but not run (tests EXPLAIN it), in two steps. The inner step finds the
 * page — ids and sort keys only, so a filter the indexes cover is answered from the index alone (near a
 * point: every listing in the box is checked, and reading 5,000 heap rows for that instead of index
 * entries is 20× slower) — and the outer step reads the page's rows, images and leader aliases by id.
 * Every filter is sargable: the partial indexes all carry `deleted_at IS NULL`, the location box uses
 * (location_lat, location_lng), and full text uses the GIN index on the generated `search` column.
 */
export function browseQuery(db: Kysely<Database>, f: BrowseFilter) {
  const spec = sortSpec(f);
  const distance: RawBuilder<number | null> = f.near ? distanceSql(f.near.lat, f.near.lng) : sql<null>`NULL::float8`;
  let page = db
    .selectFrom('listings')
    .select(['id', spec.key.as('sortValue'), distance.as('distanceKm')])
    .where('deletedAt', 'is', null)
    .where('status', 'in', f.statuses);
  if (f.q) page = page.where(sql<boolean>`search @@ websearch_to_tsquery('english', ${f.q})`);
  if (f.categories?.length === 1) page = page.where('categorySlug', '=', f.categories[0]);
  // Several slugs (a parent category's branch, `= ANY`): the planner reads a rare branch from the
  // category index (index only, then sorts those entries) and walks a wide one in the sort's own index.
  // One slug keeps the plain `=`, whose category index is read already in the page's order.
  else if (f.categories) page = page.where('categorySlug', '=', anyOf(f.categories, 'text'));
  if (f.conditions?.length) page = page.where('condition', 'in', f.conditions);
  if (f.minPriceCents !== undefined) page = page.where('currentPriceCents', '>=', f.minPriceCents);
  if (f.maxPriceCents !== undefined) page = page.where('currentPriceCents', '<=', f.maxPriceCents);
  if (f.sellerId) page = page.where('sellerId', '=', f.sellerId);
  if (f.near) {
    const box = boundingBox(f.near.lat, f.near.lng, f.near.radiusKm);
    page = page.where('locationLat', '>=', box.minLat).where('locationLat', '<=', box.maxLat);
    if (box.minLng !== undefined) page = page.where('locationLng', '>=', box.minLng).where('locationLng', '<=', box.maxLng!);
    page = page.where(sql<boolean>`${distance} <= ${f.near.radiusKm}::float8`);
  }
  if (f.after) page = page.where(keysetCondition(spec, f.after));
  const found = page.orderBy(spec.key, spec.dir).orderBy('id', spec.idDir).limit(f.limit + 1);
  return db
    .selectFrom(found.as('page'))
    .innerJoin('listings', 'listings.id', 'page.id')
    .select(LISTING_COLUMNS.map((c) => `listings.${c}` as const))
    .select([
      sql<string>`page.sort_value::text`.as('sortKey'),
      sql<number | null>`page.distance_km`.as('distanceKm'),
      imagesSql.as('images'),
      leaderAliasSql.as('leaderAlias'),
    ])
    .orderBy(sql`page.sort_value`, spec.dir)
    .orderBy('page.id', spec.idDir)
    // A filter's selectivity depends on its values (a box, a word, a price band): never a generic plan.
    .modifyEnd(planEachTime);
}

/** Runs the browse query: up to `limit` rows, and whether more follow. */
export async function browse(db: Kysely<Database>, f: BrowseFilter): Promise<{ rows: BrowseRow[]; hasMore: boolean }> {
  const rows: BrowseRow[] = await browseQuery(db, f).execute();
  return { rows: rows.slice(0, f.limit), hasMore: rows.length > f.limit };
}
