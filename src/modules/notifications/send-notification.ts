import type { NotificationInput } from '../../shared/jobs';
import { isAppError } from '../../shared/errors';
import type { Platform } from '../../shared/platform';
import { socketEmitter } from '../../shared/socket-emitter';
import { userRoom } from '../../shared/rooms';
import type { Locale } from '../../shared/locale';
import { deleteIfHolds, withDeliveryLease } from './delivery-lease';
import { deleteDeviceToken, isDeviceOf } from './devices.repository';
import { recipientsOf, type Recipient } from './recipients.repository';
import {
  getNotificationByDedupeKey,
  insertNotificationsOnce,
  markDelivered,
  reachedDevices,
  recordReachedDevice,
  type NotificationRow,
} from './notifications.repository';
import { presentNotification } from './notifications.presenter';
import { MUST_REACH, preferencesFrom, SMS_TYPES, type ChannelChoices } from './preferences';
import { isSmsOptedOut, optOutPhone } from './sms-opt-outs.repository';
import { SmsRecipientInvalid, SmsRecipientOptedOut } from '../../providers/sms/sms';
import { renderText, smsText } from './templates/render';
import type { RenderedText } from './templates/types';

/** What delivering a notification uses of the platform. */
export type SendDeps = Pick<Platform, 'db' | 'redis' | 'config' | 'sms' | 'push' | 'logger'>;

/** The recipient as one read gives it: contact, language, the rendered text, channel choices, devices. */
interface Addressed {
  phoneNumber: string | undefined;
  phoneVerified: boolean;
  locale: Locale;
  text: RenderedText;
  channels: ChannelChoices;
  deviceTokens: string[];
}

/**
 * Delivers one notification: the in-app row (unique by dedupe key) and its socket event once, then
 * push to every registered device and SMS for the types that must not be missed, each only when the
 * user's preferences allow that channel (the in-app row is always written) — except that a
 * must-reach notice no chosen channel could deliver is texted anyway (`smsIfUnpushed`). Every text is rendered
 * from the recipient's locale's templates. A failed push/SMS throws so the job retries with backoff;
 * `delivered_at` stops a retry from re-sending after success.
 */
export async function sendNotification(deps: SendDeps, n: NotificationInput): Promise<'sent' | 'duplicate'> {
  const [outcome] = await deliver(deps, [n]);
  if (outcome.status === 'rejected') throw outcome.reason;
  return outcome.value;
}

/**
 * Delivers a batch of notifications, each as `sendNotification` does. Every one is attempted even
 * if others fail; then, if any failed, it throws so the job retries, and the retry finds the
 * delivered ones by their dedupe keys ('duplicate') and sends only the rest.
 */
export async function sendNotifications(deps: SendDeps, batch: NotificationInput[]): Promise<{ sent: number; duplicate: number }> {
  const outcomes = await deliver(deps, batch);
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  if (failures.length)
    throw new AggregateError(failures, `${failures.length} of ${batch.length} notifications not delivered: ${String(failures[0])}`);
  const sent = outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'sent').length;
  return { sent, duplicate: outcomes.length - sent };
}

/** How many of a batch's pushes and texts are under way at once (each is a few round trips). */
const BATCH_CONCURRENCY = 8;

interface Planned {
  n: NotificationInput;
  to: Addressed;
  push: boolean;
  sms: boolean;
  /** Text it after all if no device has it, now or from an earlier attempt (a must-reach notice the user chose not to have texted). */
  smsIfUnpushed: boolean;
  /** The push throttle's window was opened by this delivery (not held already by this notification). */
  openedWindow: boolean;
}

/**
 * The work of `sendNotification(s)`, one outcome per notification in order. Outbid notices arrive at
 * bid rate, a batch of them per decided bid batch, and mostly have nothing to send beyond the row
 * (the push is throttled to one per window): so the whole batch's recipients are read in one
 * statement and its rows inserted in one more, already delivered where nothing else goes out; only
 * the notifications with a push or a text to send (or stored before) take their own round trips.
 */
async function deliver(deps: SendDeps, batch: NotificationInput[]): Promise<Array<PromiseSettledResult<'sent' | 'duplicate'>>> {
  const recipientOf = await recipientsOf(deps.db, [...new Set(batch.map((n) => n.userId))]);
  // A dedupe key repeated within the batch is the same notification: delivered once, the rest 'duplicate'.
  const firsts = new Map<string, number>();
  batch.forEach((n, i) => firsts.has(n.dedupeKey) || firsts.set(n.dedupeKey, i));
  const plans = await Promise.all(
    batch.map(async (n, i): Promise<Planned | undefined> => {
      if (firsts.get(n.dedupeKey) !== i) return undefined;
      const to = address(recipientOf(n.userId), n);
      const window = to.channels.push && to.deviceTokens.length > 0 ? await pushWindow(deps, n) : 'shut';
      const push = window !== 'shut';
      const sms = SMS_TYPES.has(n.type) && !!to.channels.sms && !!to.phoneNumber;
      const fallback = !sms && mayFallBackToSms(n, to);
      return { n, to, push, sms, smsIfUnpushed: fallback, openedWindow: window === 'opened' };
    }),
  );
  const planned = plans.filter((p): p is Planned => p !== undefined);
  const inserted = await insertNotificationsOnce(
    deps.db,
    planned.map((p) => ({ ...p.n, ...p.to.text, delivered: !p.push && !p.sms && !p.smsIfUnpushed })),
  );
  const emitter = socketEmitter(deps);
  for (const p of planned) {
    const row = inserted.get(p.n.dedupeKey);
    if (row) emitter.to(userRoom(p.n.userId)).emit('notification', { notification: presentNotification(row) });
  }

  const outcomes: Array<PromiseSettledResult<'sent' | 'duplicate'>> = plans.map(() => ({ status: 'fulfilled', value: 'duplicate' }));
  let next = 0;
  const lane = async () => {
    while (next < plans.length) {
      const i = next++;
      const plan = plans[i];
      if (!plan) continue;
      outcomes[i] = await finish(deps, plan, inserted.get(plan.n.dedupeKey)).then(
        (value) => ({ status: 'fulfilled', value }),
        (reason: unknown) => ({ status: 'rejected', reason }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, plans.length) }, lane));
  return outcomes;
}

/**
 * After the row: push and text what the stored row says (a retry too, even if the user changed
 * language in between). Under the notification's delivery lease, and only if it is still not
 * delivered once the lease is held: another job carrying the same notification may be sending it at
 * this moment, or may have just finished.
 */
async function finish(
  deps: SendDeps,
  { n, to, push, sms, smsIfUnpushed, openedWindow }: Planned,
  inserted: NotificationRow | undefined,
): Promise<'sent' | 'duplicate'> {
  const stored = inserted ?? (await getNotificationByDedupeKey(deps.db, n.dedupeKey));
  if (stored.deliveredAt) {
    if (inserted) return 'sent';
    // A retried batch carries notifications delivered before: one of them whose push window had
    // closed since must not open a new one, or the next real notice under the throttle goes unpushed.
    if (openedWindow && n.pushThrottle) await deleteIfHolds(deps.redis, pushThrottleKey(deps, n.pushThrottle.key), n.dedupeKey);
    return 'duplicate';
  }
  return withDeliveryLease(deps.redis, deps.config.redisPrefix, stored.id, n.dedupeKey, async () => {
    const row = await getNotificationByDedupeKey(deps.db, n.dedupeKey);
    if (row.deliveredAt) return 'duplicate';
    const text = { title: row.title, body: row.body };
    // A retry may find no device left to push to (signed out since) after an earlier attempt reached one.
    const pushed = push ? await pushToDevices(deps, n, row.id, to.deviceTokens, text) : smsIfUnpushed && (await reachedDevices(deps.db, row.id)).size > 0;
    if (sms || (smsIfUnpushed && !pushed)) await textUser(deps, n, { ...to, text });
    await markDelivered(deps.db, row.id);
    return 'sent';
  });
}

/** Where the notification goes and what it says there (English for an account that is gone: only the row is written). */
function address({ contact, saved, deviceTokens }: Recipient, n: NotificationInput): Addressed {
  const locale = contact?.locale ?? 'en';
  return {
    phoneNumber: contact?.phoneNumber,
    phoneVerified: contact?.phoneVerified ?? false,
    locale,
    text: renderText(locale, n.text),
    channels: preferencesFrom(saved)[n.type],
    deviceTokens: contact ? deviceTokens : [],
  };
}

/**
 * Whether a must-reach notice may go to the user's verified phone although SMS is off for it. A user
 * may keep push as the only channel of `won` / `payment_due` (SPEC §9), but push then only reaches
 * them if a device is registered and alive: without one they would learn nothing outside the app,
 * and a won auction must be paid within 48 h or the sale is cancelled and the buyer gets a
 * non-payment strike. So when no chosen channel can deliver, the notice is texted after all (a
 * phone that replied STOP still gets nothing: `textUser`).
 */
function mayFallBackToSms(n: NotificationInput, to: Addressed): boolean {
  return MUST_REACH.has(n.type) && to.phoneVerified && !!to.phoneNumber;
}

const pushThrottleKey = (deps: SendDeps, key: string) => `${deps.config.redisPrefix}:push-throttle:${key}`;

/**
 * Whether this notification may push under its throttle: the first of a window claims it ('opened';
 * the claim names the notification by its dedupe key, so a retry of the same one after a failed
 * push still may: 'held'); 'shut' while another notification holds the window.
 */
async function pushWindow(deps: SendDeps, n: NotificationInput): Promise<'opened' | 'held' | 'shut'> {
  if (!n.pushThrottle) return 'held'; // unthrottled: always open, and nothing to give back
  const holder = await deps.redis.set(pushThrottleKey(deps, n.pushThrottle.key), n.dedupeKey, 'EX', n.pushThrottle.windowSec, 'NX', 'GET');
  if (holder === null) return 'opened';
  return holder === n.dedupeKey ? 'held' : 'shut';
}

/**
 * Pushes to each registered device this notification has not reached yet (a retry skips the others).
 * The tokens were read with the batch's recipients, possibly seconds ago: each is checked again just
 * before its push, so a phone that signed out of the account, or that someone else signed in on
 * since, does not show this account's notification. Returns whether any device has it (now or on
 * an earlier attempt).
 */
async function pushToDevices(deps: SendDeps, n: NotificationInput, notificationId: string, tokens: string[], text: RenderedText): Promise<boolean> {
  const reached = await reachedDevices(deps.db, notificationId);
  const data = Object.fromEntries(Object.entries({ type: n.type, ...n.data }).map(([k, v]) => [k, String(v)]));
  for (const token of tokens.filter((t) => !reached.has(t))) {
    if (!(await isDeviceOf(deps.db, token, n.userId))) continue;
    const outcome = await deps.push.send({ token, title: text.title, body: text.body, data });
    if (outcome === 'invalid') await deleteDeviceToken(deps.db, token);
    else {
      await recordReachedDevice(deps.db, notificationId, token);
      reached.add(token);
    }
  }
  return reached.size > 0;
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
    // The phone replied STOP to our number and Twilio knows it before we do (we missed the inbound
    // webhook): recorded as ours, so no later text is tried; the in-app row and push carry this one.
    if (err instanceof SmsRecipientOptedOut) {
      await optOutPhone(deps.db, phoneNumber);
      deps.logger.info({ userId: n.userId, type: n.type }, 'notification SMS not sent: the provider says the phone unsubscribed');
      return;
    }
    // The number cannot take a text (the provider says it is not a valid mobile number): no retry
    // would change that, and the in-app row and push already carry the message.
    if (err instanceof SmsRecipientInvalid) {
      deps.logger.warn({ userId: n.userId, type: n.type }, 'notification SMS not sent: the provider says the number cannot receive texts');
      return;
    }
    // Refused by the platform's SMS rules (country, daily budget): retrying would not help, and the
    // in-app row and push already carry the message.
    if (isAppError(err) && (err.code === 'sms_unavailable' || err.code === 'phone_country_not_supported')) {
      deps.logger.warn({ userId: n.userId, type: n.type, reason: err.code }, 'notification SMS not sent');
      return;
    }
    throw err;
  }
}
