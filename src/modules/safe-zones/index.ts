/** Public surface of the safe-zones module: its routes and what other modules (listings, seed) need. */
export { safeZoneRoutes } from './safe-zones.routes';
export { nearestActiveZones, NEAREST_ZONES_RADIUS_KM } from './search-safe-zones';
export { loadSafeZonesCsv } from './import-safe-zones';
export { SafeZoneView as SafeZoneSchema } from './safe-zones.schemas';
export type { SafeZoneView } from './safe-zones.presenter';
export { findSafeZone } from './find-safe-zone';
export type { SafeZone } from './safe-zones.repository';
