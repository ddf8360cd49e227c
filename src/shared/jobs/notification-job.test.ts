import { NOTIFICATION_BATCH_MAX, parsePayload } from './catalogue';
import { notificationJob, notificationJobs, type NotificationDraft } from './notification-job';

const draft = (i: number): NotificationDraft => ({
  userId: '6f1c9f3e-2b7a-4d8e-9c1a-0b2c3d4e5f60',
  type: 'lost',
  dedupeKey: `lost-${i}`,
  text: { key: 'lost_no_sale', params: { listingTitle: `Lot ${i}` } },
  data: { listingId: `l${i}` },
});

describe('notificationJobs', () => {
  it('sends one notification as its own job, keyed by its dedupe key', () => {
    expect(notificationJobs([])).toEqual([]);
    expect(notificationJobs([draft(1)])).toEqual([notificationJob(draft(1))]);
  });

  it('sends many in batch jobs of at most NOTIFICATION_BATCH_MAX, in order, each a valid payload', () => {
    const drafts = Array.from({ length: NOTIFICATION_BATCH_MAX * 2 + 5 }, (_, i) => draft(i));
    const jobs = notificationJobs(drafts);
    expect(jobs.map((j) => j.name)).toEqual(['notification.send_batch', 'notification.send_batch', 'notification.send_batch']);
    const carried = jobs.map((j) => (j.data as { notifications: NotificationDraft[] }).notifications);
    expect(carried.map((c) => c.length)).toEqual([NOTIFICATION_BATCH_MAX, NOTIFICATION_BATCH_MAX, 5]);
    expect(carried.flat().map((n) => n.dedupeKey)).toEqual(drafts.map((d) => d.dedupeKey));
    for (const job of jobs) expect(parsePayload('notification.send_batch', job.data).success).toBe(true);
    // The outbox row's id becomes the job id, so a re-published row is still one job.
    expect(jobs.every((j) => j.jobId === undefined)).toBe(true);
  });
});
