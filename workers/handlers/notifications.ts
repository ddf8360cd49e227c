import type { NotificationInput } from '../../src/modules/notifications/notification-jobs';
import { sendNotification } from '../../src/modules/notifications/send-notification';
import type { JobHandler } from '../registry';

/** Delivers a notification exactly once per dedupe key. */
export const send: JobHandler = async (deps, job) => sendNotification(deps, job.data as NotificationInput);
