/** Public surface of the safe-zones module: what other modules (listings) and the seed need. */
/** Active zones nearest a point (meetup suggestions). */
export { nearestActiveZones, NEAREST_ZONES_RADIUS_KM } from './search-safe-zones';
/** Loading the partner CSV (seed). */
export { loadSafeZonesCsv } from './import-safe-zones';
/** The public view of a zone and its OpenAPI schema. */
export { SafeZoneView as SafeZoneSchema } from './safe-zones.schemas';
export type { SafeZoneView } from './safe-zones.presenter';
export { findSafeZone, findSafeZoneForShare } from './find-safe-zone';
/** Admin changes of a zone, for the flow that also tells the parties of meetups at a deactivated zone. */
export { deactivateSafeZone, updateSafeZone, type OnZoneDeactivated } from './manage-safe-zones';
export type { UpdateSafeZoneInput } from './safe-zones.schemas';
/** Whether a zone is open at an instant, in its own time zone, and its hours as text (meetup checks). */
export { formatHoursText, isOpenAt } from './opening-hours';
export type { SafeZone } from './safe-zones.repository';
