import { jobFor, type OutboxJob } from '../outbox';
import { NOTIFICATION_BATCH_MAX, type JobPayload, type NOTIFICATION_TYPES } from './catalogue';
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

/**
 * Outbox messages that deliver many notifications of one event: a single one as `notificationJob`,
 * more as `notification.send_batch` jobs of up to NOTIFICATION_BATCH_MAX each (their job id is the
 * outbox row's, so a re-published row is still one job).
 */
export function notificationJobs(drafts: NotificationDraft[]): Array<OutboxJob<'notification.send' | 'notification.send_batch'>> {
  if (drafts.length <= 1) return drafts.map((d) => notificationJob(d));
  const jobs: Array<OutboxJob<'notification.send_batch'>> = [];
  for (let i = 0; i < drafts.length; i += NOTIFICATION_BATCH_MAX)
    jobs.push(jobFor('notification.send_batch', { notifications: drafts.slice(i, i + NOTIFICATION_BATCH_MAX).map(notificationPayload) }));
  return jobs;
}
