import type { Deps } from '../../src/composition';
import type { SafeZoneKind, WeeklyHours } from '../../db/schema';

/** Monday 2026-12-07 15:00 UTC: 10:00 in Toronto (EST), 07:00 in Vancouver (PST). */
export const MONDAY_10AM_TORONTO = new Date('2026-12-07T15:00:00Z');
export const fixedClock = { now: () => MONDAY_10AM_TORONTO };

/** Toronto City Hall, the point most searches are around. */
export const TORONTO = { lat: 43.6532, lng: -79.3832 };

export interface ZoneSeed {
  name?: string;
  lat: number;
  lng: number;
  kind?: SafeZoneKind;
  hours?: WeeklyHours | null;
  timezone?: string;
  active?: boolean;
}

/** Inserts a zone directly (the admin API has its own tests) and answers its id. */
export async function insertZone(deps: Deps, seed: ZoneSeed): Promise<string> {
  const row = await deps.db
    .insertInto('safeZones')
    .values({
      name: seed.name ?? `Zone ${seed.lat},${seed.lng}`,
      address: '1 Test St',
      kind: seed.kind ?? 'library',
      lat: seed.lat,
      lng: seed.lng,
      hours: seed.hours ? JSON.stringify(seed.hours) : null,
      timezone: seed.timezone ?? 'America/Toronto',
      active: seed.active ?? true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Great-circle distance on the 6371.0088 km sphere, independent of the SQL under test. */
export function haversineKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}
