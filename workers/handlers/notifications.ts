import { sendNotification, sendNotifications } from '../../src/modules/notifications';
import type { JobHandler } from '../registry';

/** Delivers a notification exactly once per dedupe key. */
export const send: JobHandler<'notification.send'> = async (deps, notification) => sendNotification(deps, notification);

/** Delivers a batch of notifications, each exactly once per dedupe key (a retry skips the delivered ones). */
export const sendBatch: JobHandler<'notification.send_batch'> = async (deps, { notifications }) => sendNotifications(deps, notifications);
