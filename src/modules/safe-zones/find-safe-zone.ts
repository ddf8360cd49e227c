import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { safeZonesRepository, type SafeZone } from './safe-zones.repository';

/** One zone by id, active or not (a meetup keeps its zone after the zone is deactivated). */
export function findSafeZone(db: Kysely<Database>, id: string): Promise<SafeZone | undefined> {
  return safeZonesRepository.findById(db, id);
}
