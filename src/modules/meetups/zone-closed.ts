import type { Trx } from '../../../db/connection';
import { notificationJob } from '../../shared/jobs';
import { writeOutbox } from '../../shared/outbox';
import type { SafeZone } from '../safe-zones';
import { findTransaction, recordTransactionEvent } from '../transactions';
import { meetupUpdated } from './meetup-messages';
import { presentMeetup } from './meetups.presenter';
import { meetupsRepository } from './meetups.repository';

/** The timeline entry of a meetup whose zone was deactivated (the parties must pick another place). */
export const MEETUP_ZONE_CLOSED_EVENT = 'meetup_zone_closed';

/**
 * Called in the transaction that deactivates `zone` (its row locked for update, so a meetup proposed or
 * accepted there meanwhile is decided before or after, never beside): every upcoming meetup there,
 * proposed or accepted, of a sale still waiting for the handover, gets a timeline entry, a
 * `meetup_updated` to the transaction room (its zone now inactive) and a notice to both parties — all in
 * the outbox, committed with the deactivation. The meetup itself is kept as it is: it can no longer be
 * accepted and is not reminded of while the zone is inactive, a new proposal replaces it as usual, and
 * a zone reactivated by mistake gives the parties their meetup back. Transactions are read, not locked:
 * proposing and accepting share-lock the zone before they lock the transaction, so the zone's row lock
 * held here already orders them against this deactivation.
 */
export async function tellPartiesZoneClosed(trx: Trx, zone: SafeZone, actorId: string, now: Date): Promise<number> {
  let told = 0;
  for (const meetup of await meetupsRepository.upcomingAtZone(trx, zone.id, now)) {
    const tx = await findTransaction(trx, meetup.transactionId);
    if (!tx || tx.status !== 'in_escrow' || tx.verifiedAt) continue;
    const accepted = meetup.status === 'accepted';
    await recordTransactionEvent(
      trx,
      tx.id,
      MEETUP_ZONE_CLOSED_EVENT,
      { meetupId: meetup.id, safeZoneId: zone.id, safeZoneName: zone.name, startsAt: meetup.startsAt.toISOString(), status: meetup.status },
      actorId,
    );
    const notices = [tx.buyerId, tx.sellerId].map((userId) =>
      notificationJob({
        userId,
        type: 'meetup_zone_closed',
        // One notice per meetup, deactivation and party (a zone reactivated and deactivated again tells again).
        dedupeKey: `meetup-zone-closed-${meetup.id}-${now.getTime()}-${userId}`,
        text: { key: 'meetup_zone_closed', params: { placeName: zone.name, accepted } },
        data: { transactionId: tx.id, meetupId: meetup.id, safeZoneId: zone.id, startsAt: meetup.startsAt.toISOString() },
      }),
    );
    await writeOutbox(trx, [meetupUpdated(tx.id, presentMeetup(meetup, zone)), ...notices]);
    told += 1;
  }
  return told;
}
