import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { findSafeZone } from '../safe-zones';
import { presentMeetup } from './meetups.presenter';
import { meetupsRepository } from './meetups.repository';
import type { MeetupView } from './meetups.schemas';

/**
 * The transaction's current meetup for its detail view, or null. The caller has already decided that
 * the viewer may see the transaction.
 */
export async function currentMeetupView(db: Kysely<Database>, transactionId: string): Promise<MeetupView | null> {
  const meetup = await meetupsRepository.current(db, transactionId);
  if (!meetup) return null;
  const zone = await findSafeZone(db, meetup.safeZoneId);
  // safe_zone_id is a foreign key and zones are never deleted (only deactivated).
  if (!zone) throw new Error(`meetup ${meetup.id} names a missing safe zone ${meetup.safeZoneId}`);
  return presentMeetup(meetup, zone);
}
