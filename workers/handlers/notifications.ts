import { sendNotification } from '../../src/modules/notifications';
import type { JobHandler } from '../registry';

/** Delivers a notification exactly once per dedupe key. */
export const send: JobHandler<'notification.send'> = async (deps, notification) => sendNotification(deps, notification);
