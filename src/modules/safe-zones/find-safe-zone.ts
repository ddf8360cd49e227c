import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { safeZonesRepository, type SafeZone } from './safe-zones.repository';

/** One zone by id, active or not (a meetup keeps its zone after the zone is deactivated). */
export function findSafeZone(db: Kysely<Database>, id: string): Promise<SafeZone | undefined> {
  return safeZonesRepository.findById(db, id);
}

/**
 * The zone under a share lock, inside the caller's transaction: a meetup proposed or accepted under it
 * cannot slip past a concurrent deactivation (which locks the row for update and then tells the parties
 * of the meetups it finds there).
 */
export function findSafeZoneForShare(trx: Kysely<Database>, id: string): Promise<SafeZone | undefined> {
  return safeZonesRepository.findByIdForShare(trx, id);
}
