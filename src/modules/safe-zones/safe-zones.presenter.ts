import { isOpenAt } from './opening-hours';
import type { SafeZone } from './safe-zones.repository';

/** km to 3 decimals (metres): finer would promise a precision the stored coordinates do not have. */
const roundKm = (km: number) => Math.round(km * 1000) / 1000;

function zoneFields(zone: SafeZone, now: Date) {
  return {
    id: zone.id,
    name: zone.name,
    address: zone.address,
    kind: zone.kind,
    lat: zone.lat,
    lng: zone.lng,
    hours: zone.hours,
    timezone: zone.timezone,
    phone: zone.phone,
    openNow: isOpenAt(zone.hours, zone.timezone, now),
  };
}

/** Public view of a zone `distanceKm` from the point searched around; "open now" as of `now`. */
export function presentSafeZone(zone: SafeZone, distanceKm: number, now: Date) {
  return { ...zoneFields(zone, now), distanceKm: roundKm(distanceKm) };
}

export type SafeZoneView = ReturnType<typeof presentSafeZone>;

/** Staff view: the public fields plus state and provenance. */
export function presentSafeZoneForStaff(zone: SafeZone, now: Date) {
  return {
    ...zoneFields(zone, now),
    active: zone.active,
    createdBy: zone.createdBy,
    updatedBy: zone.updatedBy,
    createdAt: zone.createdAt.toISOString(),
    updatedAt: zone.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of a zone: its editable fields (no timestamps: the audit row has its own). */
export function auditSnapshot(zone: SafeZone) {
  const { id, name, address, kind, lat, lng, hours, timezone, phone, active } = zone;
  return { id, name, address, kind, lat, lng, hours, timezone, phone, active };
}
