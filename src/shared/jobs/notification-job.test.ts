import { NOTIFICATION_BATCH_MAX, parsePayload } from './catalogue';
import type { ParsedJob } from './enqueue';
import {
  notificationJob,
  notificationJobs,
  withNotificationsMerged,
  type NotificationDraft,
  type NotificationInput,
} from './notification-job';

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

describe('withNotificationsMerged (one relay pass)', () => {
  const single = (i: number): ParsedJob => ({
    name: 'notification.send',
    payload: draft(i) as NotificationInput,
    opts: { jobId: `notify:lost-${i}` },
  });
  const batch = (row: number, ids: number[]): ParsedJob => ({
    name: 'notification.send_batch',
    payload: { notifications: ids.map((i) => draft(i) as NotificationInput) },
    opts: { jobId: `outbox-${row}` },
  });
  const other: ParsedJob = {
    name: 'auction.close',
    payload: { listingId: '6f1c9f3e-2b7a-4d8e-9c1a-0b2c3d4e5f61' },
    opts: { jobId: 'outbox-9' },
  };
  const delayed: ParsedJob = { ...single(50), opts: { jobId: 'notify:lost-50', delay: 60_000 } };
  const carried = (jobs: ParsedJob[]) =>
    jobs
      .filter((j) => j.name === 'notification.send_batch')
      .map((j) => (j.payload as { notifications: NotificationInput[] }).notifications.map((n) => n.dedupeKey));

  it('delivers every notification due now in one batch job, each dedupe key once, and leaves other and delayed jobs alone', () => {
    const merged = withNotificationsMerged([single(1), other, batch(7, [2, 3]), delayed, batch(8, [3, 4]), single(1)]);
    expect(merged.map((j) => j.name).sort()).toEqual(['auction.close', 'notification.send', 'notification.send_batch']);
    expect(merged).toContain(other);
    expect(merged).toContain(delayed);
    expect(carried(merged)).toEqual([['lost-1', 'lost-2', 'lost-3', 'lost-4']]);
    for (const job of merged) expect(parsePayload(job.name, job.payload).success).toBe(true);
  });

  it('splits at NOTIFICATION_BATCH_MAX and names the jobs after the rows they replace', () => {
    const rows = Array.from({ length: NOTIFICATION_BATCH_MAX + 20 }, (_, i) => batch(i, [i]));
    const merged = withNotificationsMerged(rows);
    expect(carried(merged).map((keys) => keys.length)).toEqual([NOTIFICATION_BATCH_MAX, 20]);
    // The same rows (a pass repeated after a crash) make the same jobs; other rows, other jobs.
    expect(withNotificationsMerged(rows).map((j) => j.opts?.jobId)).toEqual(merged.map((j) => j.opts?.jobId));
    expect(withNotificationsMerged(rows.slice(1))[0].opts?.jobId).not.toBe(merged[0].opts?.jobId);
    expect(new Set(merged.map((j) => j.opts?.jobId)).size).toBe(2);
  });

  it('leaves a pass with one notification job as it is (its own job id)', () => {
    const jobs = [single(1), other];
    expect(withNotificationsMerged(jobs)).toBe(jobs);
  });
});
