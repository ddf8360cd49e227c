export {
  CATALOGUE,
  DEFAULT_JOB_OPTIONS,
  JOB_NAMES,
  JOBS,
  MEETUP_REMINDER_KINDS,
  NOTIFICATION_TYPES,
  QUEUE_NAMES,
  RELEASE_REASONS,
  SCHEDULES,
  STORAGE_DELETE_BATCH_MAX,
  isJobName,
  jobOptions,
  parsePayload,
  queueOf,
  type JobInput,
  type JobName,
  type JobNameOf,
  type JobPayload,
  type QueueName,
} from './catalogue';
export { addParsed, addParsedBulk, enqueue, MalformedJobError, type EnqueueOptions, type ParsedJob } from './enqueue';
export { createQueues, jobId, type Queues } from './queues';
export { notificationJob, notificationJobs, notificationPayload, withNotificationsMerged, type NotificationDraft, type NotificationInput, type NotificationType } from './notification-job';
export { NOTIFICATION_TEXTS, TEXT_KEYS, textParams, type TextKey, type TextParams, type TextRef } from './notification-texts';
