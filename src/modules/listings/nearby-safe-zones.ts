import type { Platform } from '../../shared/platform';
import { z } from '../../shared/zod';
import { nearestActiveZones, SafeZoneSchema, type SafeZoneView } from '../safe-zones';
import type { ListingRow } from './listings.repository';
import { ListingView } from './listings.schemas';

/** SPEC §9 item 4: a listing's page suggests this many safe zones for the handover. */
export const NEARBY_SAFE_ZONES = 3;

/** GET /v1/listings/:id: the listing plus the active safe zones nearest to where it is. */
export const ListingDetailView = ListingView.extend({
  nearbySafeZones: z.array(SafeZoneSchema).describe('The 3 nearest active safe zones within 50 km, nearest first; empty without a location'),
}).openapi('ListingDetail');

/** The nearest active zones to the listing's location (none when it has no location). */
export async function nearbySafeZones(deps: Pick<Platform, 'db' | 'clock'>, listing: ListingRow): Promise<SafeZoneView[]> {
  if (listing.locationLat === null || listing.locationLng === null) return [];
  return nearestActiveZones(deps.db, { lat: listing.locationLat, lng: listing.locationLng }, NEARBY_SAFE_ZONES, deps.clock.now());
}
