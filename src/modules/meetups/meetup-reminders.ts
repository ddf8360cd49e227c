import { enqueue, jobId, notificationPayload, type JobPayload } from '../../shared/jobs';
import { findTransaction } from '../transactions';
import { findSafeZone } from '../safe-zones';
import type { MeetupReminderDeps } from './meetups.deps';
import { meetupsRepository } from './meetups.repository';

export type ReminderOutcome = 'reminded' | 'stale' | 'not_needed';

/**
 * `meetup.remind`: push + in-app to both parties before an accepted meetup. Re-reads everything, so
 * a reminder of a meetup that was replaced, moved, or whose transaction was verified, cancelled or
 * refunded meanwhile does nothing; delivery goes through `notification.send` with a dedupe key per
 * meetup, time, lead and party, so a retried reminder notifies once.
 */
export async function sendMeetupReminder(deps: MeetupReminderDeps, job: JobPayload<'meetup.remind'>): Promise<ReminderOutcome> {
  const meetup = await meetupsRepository.findById(deps.db, job.meetupId);
  if (!meetup || meetup.status !== 'accepted' || meetup.startsAt.toISOString() !== new Date(job.startsAt).toISOString()) return 'stale';
  const tx = await findTransaction(deps.db, meetup.transactionId);
  if (!tx || tx.status !== 'in_escrow' || tx.verifiedAt) return 'not_needed';
  const zone = await findSafeZone(deps.db, meetup.safeZoneId);
  const startsAt = meetup.startsAt.toISOString();
  for (const userId of [tx.buyerId, tx.sellerId]) {
    const dedupeKey = `meetup-reminder-${meetup.id}-${meetup.startsAt.getTime()}-${job.kind}-${userId}`;
    await enqueue(
      deps.queues,
      'notification.send',
      notificationPayload({
        userId,
        type: 'meetup_reminder',
        dedupeKey,
        text: { key: 'meetup_reminder', params: { lead: job.kind, placeName: zone?.name ?? null, placeAddress: zone?.address ?? null } },
        data: { transactionId: tx.id, meetupId: meetup.id, safeZoneId: meetup.safeZoneId, startsAt, kind: job.kind },
      }),
      { jobId: jobId('notify', dedupeKey) },
    );
  }
  deps.logger.info({ meetupId: meetup.id, kind: job.kind }, 'meetup reminder sent');
  return 'reminded';
}
