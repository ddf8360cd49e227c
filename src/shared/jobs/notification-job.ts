import { createHash } from 'node:crypto';
import { jobFor, type OutboxJob } from '../outbox';
import { NOTIFICATION_BATCH_MAX, type JobPayload, type NOTIFICATION_TYPES } from './catalogue';
import type { ParsedJob } from './enqueue';
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

const isNotificationJob = (job: ParsedJob): job is ParsedJob<'notification.send' | 'notification.send_batch'> =>
  (job.name === 'notification.send' || job.name === 'notification.send_batch') && !job.opts?.delay;

/**
 * The jobs of one outbox relay pass with its notifications (every `notification.send` and
 * `notification.send_batch` due now) regrouped into as few `notification.send_batch` jobs as
 * NOTIFICATION_BATCH_MAX allows, one per dedupe key. A decided bid batch's outbid notices wait in the
 * outbox (OUTBID_NOTIFY_DELAY_MS) so that a pass finds many: one BullMQ job (≈ 50 Redis commands) and
 * one delivery (two statements) for them all instead of one per batch. A merged job's id is a hash of
 * the job ids it replaces, so a pass repeated after a crash (the same rows, not yet marked) adds the
 * same job; a pass that found other rows adds another, and each notification is still delivered
 * once (its dedupe key). Fewer than two notification jobs: returned as they are.
 */
export function withNotificationsMerged(jobs: ParsedJob[]): ParsedJob[] {
  const notices = jobs.filter(isNotificationJob);
  if (notices.length < 2) return jobs;
  const byKey = new Map<string, NotificationInput>();
  for (const job of notices) {
    const list =
      job.name === 'notification.send'
        ? [job.payload as NotificationInput]
        : (job.payload as JobPayload<'notification.send_batch'>).notifications;
    for (const n of list) if (!byKey.has(n.dedupeKey)) byKey.set(n.dedupeKey, n);
  }
  const merged = [...byKey.values()];
  const id = createHash('sha1')
    .update(notices.map((j) => j.opts?.jobId ?? '').join('\n'))
    .digest('base64url');
  const batches: ParsedJob[] = [];
  for (let i = 0; i < merged.length; i += NOTIFICATION_BATCH_MAX) {
    batches.push({
      name: 'notification.send_batch',
      payload: { notifications: merged.slice(i, i + NOTIFICATION_BATCH_MAX) },
      opts: { jobId: `notify-merged-${id}-${i / NOTIFICATION_BATCH_MAX}` },
    });
  }
  return [...jobs.filter((job) => !isNotificationJob(job)), ...batches];
}
