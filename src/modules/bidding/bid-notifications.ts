import { jobId, type JobPayload } from '../../shared/jobs';
import { jobFor, type OutboxJob } from '../../shared/outbox';

/**
 * Outbox message that delivers a notification after commit, built from the job catalogue (the same
 * job and id the notifications module would build: one per dedupe key).
 */
export function notificationJob(n: JobPayload<'notification.send'>): OutboxJob<'notification.send'> {
  return jobFor('notification.send', { ...n }, { jobId: jobId('notify', n.dedupeKey) });
}
