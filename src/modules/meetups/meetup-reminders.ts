import { enqueue, jobId, notificationPayload, type JobPayload } from '../../shared/jobs';
import { findTransaction } from '../transactions';
import { findSafeZone } from '../safe-zones';
import { REMINDER_LEAD_MS, type MeetupReminderKind } from './meetup-messages';
import type { MeetupReminderDeps } from './meetups.deps';
import { meetupsRepository } from './meetups.repository';

export type ReminderOutcome = 'reminded' | 'stale' | 'not_needed' | 'late';

/**
 * Until when a reminder still makes sense: before the meetup begins, and before the next shorter
 * reminder falls due (a 2-hour reminder run 10 minutes before would arrive with the 15-minute one).
 */
function sendableUntil(startsAt: Date, kind: MeetupReminderKind): number {
  const shorter = Object.values(REMINDER_LEAD_MS).filter((lead) => lead < REMINDER_LEAD_MS[kind]);
  return startsAt.getTime() - Math.max(0, ...shorter);
}

/**
 * `meetup.remind`: push + in-app to both parties before an accepted meetup. Re-reads everything, so
 * a reminder of a meetup that was replaced, moved, or whose transaction was verified, cancelled or
 * refunded meanwhile does nothing, and so does one that runs too late (`late`); delivery goes through
 * `notification.send` with a dedupe key per meetup, time, lead and party, so a retried reminder
 * notifies once.
 */
export async function sendMeetupReminder(deps: MeetupReminderDeps, job: JobPayload<'meetup.remind'>): Promise<ReminderOutcome> {
  const meetup = await meetupsRepository.findById(deps.db, job.meetupId);
  if (!meetup || meetup.status !== 'accepted' || meetup.startsAt.toISOString() !== new Date(job.startsAt).toISOString()) return 'stale';
  const tx = await findTransaction(deps.db, meetup.transactionId);
  if (!tx || tx.status !== 'in_escrow' || tx.verifiedAt) return 'not_needed';
  // A delayed job (workers down, a backlog) must not announce a meetup that has begun or gone by.
  if (deps.clock.now().getTime() >= sendableUntil(meetup.startsAt, job.kind)) {
    deps.logger.info({ meetupId: meetup.id, kind: job.kind }, 'meetup reminder too late, not sent');
    return 'late';
  }
  const zone = await findSafeZone(deps.db, meetup.safeZoneId);
  // Deactivated since (the parties were told to pick another place): no reminder sends them there. A
  // zone reactivated before the reminder is due is reminded of as usual.
  if (!zone?.active) return 'not_needed';
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
        text: { key: 'meetup_reminder', params: { lead: job.kind, placeName: zone.name, placeAddress: zone.address } },
        data: { transactionId: tx.id, meetupId: meetup.id, safeZoneId: meetup.safeZoneId, startsAt, kind: job.kind },
      }),
      { jobId: jobId('notify', dedupeKey) },
    );
  }
  deps.logger.info({ meetupId: meetup.id, kind: job.kind }, 'meetup reminder sent');
  return 'reminded';
}
