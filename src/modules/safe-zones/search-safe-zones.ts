import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import { packCursor, unpackCursor, UUID } from '../../shared/cursor';
import { invalid } from '../../shared/errors';
import { presentSafeZone, type SafeZoneView } from './safe-zones.presenter';
import { safeZonesRepository } from './safe-zones.repository';
import type { SafeZoneSearchInput } from './safe-zones.schemas';

/** Zones farther than this from a listing are no use for its handover (nearestActiveZones). */
export const NEAREST_ZONES_RADIUS_KM = 50;

interface SearchPosition {
  lat: number;
  lng: number;
  radiusKm: number;
  sortKey: number;
  id: string;
}

/**
 * Opaque cursor: base64url of the search it belongs to (point and radius) and the last zone's exact
 * distance and id. Carrying the search lets a cursor used with another `near` be refused, not misread.
 */
const encodeCursor = (p: SearchPosition): string => packCursor([p.lat, p.lng, p.radiusKm, p.sortKey, p.id]);

function decodeCursor(cursor: string, search: { lat: number; lng: number; radiusKm: number }): { sortKey: number; id: string } {
  const [lat, lng, radiusKm, sortKey, id] = unpackCursor(cursor, 5) ?? [];
  const valid =
    lat === search.lat &&
    lng === search.lng &&
    radiusKm === search.radiusKm &&
    typeof sortKey === 'number' &&
    Number.isFinite(sortKey) &&
    sortKey >= 0 &&
    typeof id === 'string' &&
    UUID.test(id);
  if (!valid) throw invalid([{ field: 'cursor', message: 'is not a cursor from this search (were near or radiusKm changed?)' }]);
  return { sortKey, id };
}

/** GET /v1/safe-zones: active zones near a point, nearest first, one page at a time. */
export async function searchSafeZones(
  deps: Pick<Platform, 'db' | 'clock'>,
  query: SafeZoneSearchInput,
): Promise<{ items: SafeZoneView[]; nextCursor: string | null }> {
  const { lat, lng } = query.near;
  const search = { lat, lng, radiusKm: query.radiusKm };
  const after = query.cursor ? decodeCursor(query.cursor, search) : undefined;
  // One extra row tells whether another page exists without a count.
  const rows = await safeZonesRepository.searchNear(deps.db, { ...search, limit: query.limit + 1, after });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const now = deps.clock.now();
  return {
    items: page.map((zone) => presentSafeZone(zone, zone.distanceKm, now)),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ ...search, sortKey: last.sortKey, id: last.id }) : null,
  };
}

/**
 * The `limit` active zones nearest to a point within 50 km, nearest first (for a listing's page: where
 * the handover can happen). "Open now" as of `now`.
 */
export async function nearestActiveZones(
  db: Kysely<Database>,
  point: { lat: number; lng: number },
  limit: number,
  now: Date = new Date(),
): Promise<SafeZoneView[]> {
  const rows = await safeZonesRepository.searchNear(db, { ...point, radiusKm: NEAREST_ZONES_RADIUS_KM, limit });
  return rows.map((zone) => presentSafeZone(zone, zone.distanceKm, now));
}
