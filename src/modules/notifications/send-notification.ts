import type { NotificationInput } from '../../shared/jobs';
import { isAppError } from '../../shared/errors';
import type { Platform } from '../../shared/platform';
import { socketEmitter } from '../../shared/socket-emitter';
import { userRoom } from '../../shared/rooms';
import { findLivePhoneNumber } from '../users';
import { deleteDeviceToken, deviceTokensOf } from './devices.repository';
import { getNotificationByDedupeKey, insertNotificationOnce, markDelivered, reachedDevices, recordReachedDevice } from './notifications.repository';
import { presentNotification } from './notifications.presenter';
import { preferencesOf, SMS_TYPES } from './preferences';

/** What delivering a notification uses of the platform. */
export type SendDeps = Pick<Platform, 'db' | 'redis' | 'config' | 'sms' | 'push' | 'logger'>;

/**
 * Delivers one notification: the in-app row (unique by dedupe key) and its socket event once, then
 * push to every registered device and SMS for the types that must not be missed, each only when the
 * user's preferences allow that channel (the in-app row is always written). A failed push/SMS
 * throws so the job retries with backoff; `delivered_at` stops a retry from re-sending after success.
 */
export async function sendNotification(deps: SendDeps, n: NotificationInput): Promise<'sent' | 'duplicate'> {
  const inserted = await insertNotificationOnce(deps.db, n);
  if (inserted) socketEmitter(deps).to(userRoom(n.userId)).emit('notification', { notification: presentNotification(inserted) });
  const row = inserted ?? (await getNotificationByDedupeKey(deps.db, n.dedupeKey));
  if (row.deliveredAt) return 'duplicate';
  const prefs = (await preferencesOf(deps.db, n.userId))[n.type];
  if (prefs.push && (await pushWindowOpen(deps, n, row.id))) await pushToDevices(deps, n, row.id);
  if (SMS_TYPES.has(n.type) && prefs.sms) await textUser(deps, n);
  await markDelivered(deps.db, row.id);
  return 'sent';
}

/**
 * Whether this notification may push under its throttle: the first of a window claims it (the
 * claim names the notification, so a retry of the same one after a failed push still may).
 */
async function pushWindowOpen(deps: SendDeps, n: NotificationInput, notificationId: string): Promise<boolean> {
  if (!n.pushThrottle) return true;
  const key = `${deps.config.redisPrefix}:push-throttle:${n.pushThrottle.key}`;
  const holder = await deps.redis.set(key, notificationId, 'EX', n.pushThrottle.windowSec, 'NX', 'GET');
  return holder === null || holder === notificationId;
}

/** Pushes to each registered device this notification has not reached yet (a retry skips the others). */
async function pushToDevices(deps: SendDeps, n: NotificationInput, notificationId: string): Promise<void> {
  const tokens = await deviceTokensOf(deps.db, n.userId);
  const reached = await reachedDevices(deps.db, notificationId);
  const data = Object.fromEntries(Object.entries({ type: n.type, ...n.data }).map(([k, v]) => [k, String(v)]));
  for (const token of tokens.filter((t) => !reached.has(t))) {
    const outcome = await deps.push.send({ token, title: n.title, body: n.body, data });
    if (outcome === 'invalid') await deleteDeviceToken(deps.db, token);
    else await recordReachedDevice(deps.db, notificationId, token);
  }
}

async function textUser(deps: SendDeps, n: NotificationInput): Promise<void> {
  const phoneNumber = await findLivePhoneNumber(deps.db, n.userId);
  if (!phoneNumber) return;
  try {
    await deps.sms.send(phoneNumber, `Biddt: ${n.body}`);
  } catch (err) {
    // Refused by the platform's SMS rules (country, daily budget): retrying would not help, and the
    // in-app row and push already carry the message.
    if (isAppError(err) && (err.code === 'sms_unavailable' || err.code === 'phone_country_not_supported')) {
      deps.logger.warn({ userId: n.userId, type: n.type, reason: err.code }, 'notification SMS not sent');
      return;
    }
    throw err;
  }
}
