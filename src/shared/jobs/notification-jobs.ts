import type { JobPayload, NOTIFICATION_TYPES } from './catalogue';
import { jobId } from './queues';
import { jobFor, type OutboxJob } from '../outbox';

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** A notification to deliver: the `notification.send` payload of the job catalogue. */
export type NotificationInput = JobPayload<'notification.send'>;

/** SPEC §7: these few also go out by SMS because they must not be missed. */
export const SMS_TYPES: ReadonlySet<NotificationType> = new Set(['won', 'payment_due']);

/** Outbox message that delivers a notification (in-app row + socket + push/SMS) after commit. */
export function notificationJob(n: NotificationInput): OutboxJob<'notification.send'> {
  return jobFor('notification.send', { ...n }, { jobId: jobId('notify', n.dedupeKey) });
}
