import type { NotificationInput } from '../../shared/jobs';
import { isAppError } from '../../shared/errors';
import type { Platform } from '../../shared/platform';
import { socketEmitter } from '../../shared/socket-emitter';
import { userRoom } from '../../shared/rooms';
import type { Locale } from '../../shared/locale';
import { findLiveContact } from '../users';
import { deleteDeviceToken, deviceTokensOf } from './devices.repository';
import { getNotificationByDedupeKey, insertNotificationOnce, markDelivered, reachedDevices, recordReachedDevice } from './notifications.repository';
import { presentNotification } from './notifications.presenter';
import { preferencesOf, SMS_TYPES } from './preferences';
import { isSmsOptedOut } from './sms-opt-outs.repository';
import { renderText, smsText } from './templates/render';
import type { RenderedText } from './templates/types';

/** What delivering a notification uses of the platform. */
export type SendDeps = Pick<Platform, 'db' | 'redis' | 'config' | 'sms' | 'push' | 'logger'>;

/** The recipient's contact, and the notification rendered in their language. */
interface Addressed {
  phoneNumber: string | undefined;
  locale: Locale;
  text: RenderedText;
}

/**
 * Delivers one notification: the in-app row (unique by dedupe key) and its socket event once, then
 * push to every registered device and SMS for the types that must not be missed, each only when the
 * user's preferences allow that channel (the in-app row is always written). Every text is rendered
 * from the recipient's locale's templates. A failed push/SMS throws so the job retries with backoff;
 * `delivered_at` stops a retry from re-sending after success.
 */
export async function sendNotification(deps: SendDeps, n: NotificationInput): Promise<'sent' | 'duplicate'> {
  const to = await address(deps, n);
  const inserted = await insertNotificationOnce(deps.db, { ...n, ...to.text });
  if (inserted) socketEmitter(deps).to(userRoom(n.userId)).emit('notification', { notification: presentNotification(inserted) });
  const row = inserted ?? (await getNotificationByDedupeKey(deps.db, n.dedupeKey));
  if (row.deliveredAt) return 'duplicate';
  const prefs = (await preferencesOf(deps.db, n.userId))[n.type];
  // A retry pushes and texts what the row says, even if the user changed language in between.
  const text = { title: row.title, body: row.body };
  if (prefs.push && (await pushWindowOpen(deps, n, row.id))) await pushToDevices(deps, n, row.id, text);
  if (SMS_TYPES.has(n.type) && prefs.sms) await textUser(deps, n, { ...to, text });
  await markDelivered(deps.db, row.id);
  return 'sent';
}

/** Where the notification goes and what it says there (English for an account that is gone: only the row is written). */
async function address(deps: SendDeps, n: NotificationInput): Promise<Addressed> {
  const contact = await findLiveContact(deps.db, n.userId);
  const locale = contact?.locale ?? 'en';
  return { phoneNumber: contact?.phoneNumber, locale, text: renderText(locale, n.text) };
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
async function pushToDevices(deps: SendDeps, n: NotificationInput, notificationId: string, text: RenderedText): Promise<void> {
  const tokens = await deviceTokensOf(deps.db, n.userId);
  const reached = await reachedDevices(deps.db, notificationId);
  const data = Object.fromEntries(Object.entries({ type: n.type, ...n.data }).map(([k, v]) => [k, String(v)]));
  for (const token of tokens.filter((t) => !reached.has(t))) {
    const outcome = await deps.push.send({ token, title: text.title, body: text.body, data });
    if (outcome === 'invalid') await deleteDeviceToken(deps.db, token);
    else await recordReachedDevice(deps.db, notificationId, token);
  }
}

/** Texts the user unless their phone replied STOP (Twilio would refuse it, and the law says stop). */
async function textUser(deps: SendDeps, n: NotificationInput, to: Addressed): Promise<void> {
  const { phoneNumber } = to;
  if (!phoneNumber) return;
  if (await isSmsOptedOut(deps.db, phoneNumber)) {
    deps.logger.info({ userId: n.userId, type: n.type }, 'notification SMS not sent: the phone opted out (STOP)');
    return;
  }
  try {
    await deps.sms.send(phoneNumber, smsText(to.locale, to.text.body));
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
