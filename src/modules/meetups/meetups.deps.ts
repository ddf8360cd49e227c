import type { Platform } from '../../shared/platform';

/** What the meetups module needs from the platform. */
export type MeetupDeps = Pick<Platform, 'db' | 'clock' | 'config'>;
/** The reminder job also enqueues the notifications it sends. */
export type MeetupReminderDeps = Pick<Platform, 'db' | 'clock' | 'queues' | 'logger'>;
