import type { Meetup } from '../../../db/schema';
import { jobId, MEETUP_REMINDER_KINDS } from '../../shared/jobs';
import { eventFor, jobFor, type OutboxMessage } from '../../shared/outbox';
import { transactionRoom } from '../../shared/rooms';
import type { MeetupView } from './meetups.schemas';

export type MeetupReminderKind = (typeof MEETUP_REMINDER_KINDS)[number];

/** SPEC §9: both parties are reminded this long before an accepted meetup. */
export const REMINDER_LEAD_MS: Record<MeetupReminderKind, number> = { '2h': 2 * 3600 * 1000, '15m': 15 * 60 * 1000 };

/** The transaction room hears every change of its meetup. */
export const meetupUpdated = (transactionId: string, meetup: MeetupView): OutboxMessage =>
  eventFor('meetup_updated', [transactionRoom(transactionId)], { transactionId, meetup });

/**
 * The reminders of an accepted meetup, one per lead time still ahead (a reminder whose time has
 * passed would arrive late, so it is not sent). Job ids name the meetup and its time, so a moved
 * meetup gets new jobs while the old ones find their meetup superseded and do nothing.
 */
export function reminderJobs(meetup: Meetup, now: Date): OutboxMessage[] {
  const startsAt = meetup.startsAt.getTime();
  return MEETUP_REMINDER_KINDS.filter((kind) => startsAt - REMINDER_LEAD_MS[kind] > now.getTime()).map((kind) =>
    jobFor(
      'meetup.remind',
      { meetupId: meetup.id, transactionId: meetup.transactionId, kind, startsAt: meetup.startsAt.toISOString() },
      { jobId: jobId('meetup-remind', meetup.id, kind, startsAt), runAt: startsAt - REMINDER_LEAD_MS[kind] },
    ),
  );
}
