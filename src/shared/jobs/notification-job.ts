import { jobFor, type OutboxJob } from '../outbox';
import type { JobPayload, NOTIFICATION_TYPES } from './catalogue';
import type { TextRef } from './notification-texts';
import { jobId } from './queues';

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** A notification to deliver: the `notification.send` payload of the job catalogue. */
export type NotificationInput = JobPayload<'notification.send'>;

/** A notification as a producer writes it: the text's parameters typed by its key. */
export type NotificationDraft = Omit<NotificationInput, 'text'> & { text: TextRef };

/** The `notification.send` payload of a draft (for producers that enqueue directly rather than through the outbox). */
export const notificationPayload = (n: NotificationDraft): NotificationInput => ({ ...n });

/**
 * Outbox message that delivers a notification (in-app row + socket + push/SMS) after commit. Here in
 * the catalogue, not in the notifications module, because every module that notifies builds one and
 * none of them may import the notifications module.
 */
export function notificationJob(n: NotificationDraft): OutboxJob<'notification.send'> {
  return jobFor('notification.send', { ...n }, { jobId: jobId('notify', n.dedupeKey) });
}
