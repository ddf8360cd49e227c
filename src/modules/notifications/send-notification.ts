import { sql } from 'kysely';
import type { Deps } from '../../composition';
import { isAppError } from '../../shared/errors';
import { socketEmitter } from '../../shared/socket-emitter';
import { userRoom } from '../../shared/rooms';
import { SMS_TYPES, type NotificationInput } from './notification-jobs';
import { presentNotification } from './notifications.presenter';

type SendDeps = Pick<Deps, 'db' | 'redis' | 'config' | 'sms' | 'push' | 'logger'>;

/**
 * Delivers one notification: the in-app row (unique by dedupe key) and its socket event once, then
 * push to every registered device and SMS for the types that must not be missed. A failed push/SMS
 * throws so the job retries with backoff; `delivered_at` stops a retry from re-sending after success.
 */
export async function sendNotification(deps: SendDeps, n: NotificationInput): Promise<'sent' | 'duplicate'> {
  const inserted = await deps.db
    .insertInto('notifications')
    .values({ userId: n.userId, type: n.type, title: n.title, body: n.body, data: JSON.stringify(n.data), dedupeKey: n.dedupeKey })
    .onConflict((oc) => oc.column('dedupeKey').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) socketEmitter(deps).to(userRoom(n.userId)).emit('notification', { notification: presentNotification(inserted) });
  const row = inserted ?? (await deps.db.selectFrom('notifications').selectAll().where('dedupeKey', '=', n.dedupeKey).executeTakeFirstOrThrow());
  if (row.deliveredAt) return 'duplicate';
  await pushToDevices(deps, n);
  if (SMS_TYPES.has(n.type)) await textUser(deps, n);
  await deps.db.updateTable('notifications').set({ deliveredAt: sql<Date>`now()` }).where('id', '=', row.id).execute();
  return 'sent';
}

async function pushToDevices(deps: SendDeps, n: NotificationInput): Promise<void> {
  const devices = await deps.db.selectFrom('devices').select('token').where('userId', '=', n.userId).execute();
  const data = Object.fromEntries(Object.entries({ type: n.type, ...n.data }).map(([k, v]) => [k, String(v)]));
  for (const { token } of devices) {
    const outcome = await deps.push.send({ token, title: n.title, body: n.body, data });
    if (outcome === 'invalid') await deps.db.deleteFrom('devices').where('token', '=', token).execute();
  }
}

async function textUser(deps: SendDeps, n: NotificationInput): Promise<void> {
  const user = await deps.db.selectFrom('users').select('phoneNumber').where('id', '=', n.userId).where('deletedAt', 'is', null).executeTakeFirst();
  if (!user) return;
  try {
    await deps.sms.send(user.phoneNumber, `Biddt: ${n.body}`);
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
