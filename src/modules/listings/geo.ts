/** Great-circle helpers for "near a point" browsing (pure). The SQL haversine uses the same radius. */
export const EARTH_RADIUS_KM = 6371.0088;

export interface BoundingBox {
  minLat: number;
  maxLat: number;
  /** Absent when the circle reaches a pole or crosses the antimeridian: then only latitude bounds. */
  minLng?: number;
  maxLng?: number;
}

const toRad = (deg: number) => (deg * Math.PI) / 180;
const toDeg = (rad: number) => (rad * 180) / Math.PI;
// Widens the box by a hair so floating-point rounding never drops a point right on the circle.
const SLACK_DEG = 1e-9;

/**
 * The smallest lat/lng box containing every point within `radiusKm` of (lat, lng) — usable by a
 * btree index on (lat, lng); an exact distance filter still follows.
 */
export function boundingBox(lat: number, lng: number, radiusKm: number): BoundingBox {
  const angular = radiusKm / EARTH_RADIUS_KM;
  const dLat = toDeg(angular) + SLACK_DEG;
  const minLat = lat - dLat;
  const maxLat = lat + dLat;
  if (minLat <= -90 || maxLat >= 90) return { minLat: Math.max(minLat, -90), maxLat: Math.min(maxLat, 90) };
  // Largest longitude difference of a point within the circle (Matuschek's bounding-box method).
  const ratio = Math.sin(angular) / Math.cos(toRad(lat));
  if (ratio >= 1) return { minLat, maxLat };
  const dLng = toDeg(Math.asin(ratio)) + SLACK_DEG;
  if (lng - dLng < -180 || lng + dLng > 180) return { minLat, maxLat };
  return { minLat, maxLat, minLng: lng - dLng, maxLng: lng + dLng };
}

/** Haversine distance in km (the SQL computes the same formula). */
export function distanceKm(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const h = Math.sin(toRad(bLat - aLat) / 2) ** 2 + Math.cos(toRad(aLat)) * Math.cos(toRad(bLat)) * Math.sin(toRad(bLng - aLng) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
