import type { Trx } from '../../../db/connection';
import type { Transaction } from '../../../db/schema';
import { findSafeZone } from '../safe-zones';
import { recordHandoverLocation, recordTransactionEvent } from '../transactions';
import { meetupsRepository } from './meetups.repository';

/** SPEC §9: a handover farther than this from the accepted meetup's zone is flagged (never refused). */
export const HANDOVER_FLAG_DISTANCE_M = 500;
/** The timeline event of a flagged handover; the support console marks it (SPEC §9). */
export const HANDOVER_FLAGGED_EVENT = 'handover_far_from_zone';

export interface ScanPosition {
  lat: number;
  lng: number;
}

/** Great-circle distance in metres on the mean-radius sphere (plenty for a 500 m threshold). */
export function distanceMetres(a: ScanPosition, b: ScanPosition): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

/**
 * Called by the QR verify in its database transaction (the row lock held): stores where the scanning
 * phone was and, when that is more than 500 m from the last accepted meetup's zone, flags the handover on
 * the timeline. Without a position (a lost GPS fix) nothing is stored and nothing is flagged.
 */
export async function recordHandoverPosition(trx: Trx, tx: Transaction, at: ScanPosition | undefined, actorId: string): Promise<void> {
  if (!at) return;
  // The last accepted meetup, not the current row: a pending counter-proposal supersedes it but is not
  // an agreement, so the handover is still measured from the zone both parties had accepted.
  const meetup = await meetupsRepository.lastAccepted(trx, tx.id);
  const zone = meetup ? await findSafeZone(trx, meetup.safeZoneId) : undefined;
  const distanceM = zone ? Math.round(distanceMetres(at, zone)) : null;
  const flagged = distanceM !== null && distanceM > HANDOVER_FLAG_DISTANCE_M;
  await recordHandoverLocation(trx, tx.id, { lat: at.lat, lng: at.lng, distanceM, flagged });
  if (flagged && meetup && zone) {
    await recordTransactionEvent(
      trx,
      tx.id,
      HANDOVER_FLAGGED_EVENT,
      { distanceM, thresholdM: HANDOVER_FLAG_DISTANCE_M, meetupId: meetup.id, safeZoneId: zone.id, safeZoneName: zone.name, lat: at.lat, lng: at.lng },
      actorId,
    );
  }
}
