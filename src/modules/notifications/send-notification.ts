import type { Deps } from '../../composition';
import { socketEmitter } from '../../shared/socket-emitter';
import { userRoom } from '../auctions/listing-events';
import { SMS_TYPES, type NotificationInput } from './notification-jobs';
import { presentNotification } from './notifications.presenter';

/**
 * Delivers one notification: the in-app row (unique by dedupe key, so retries never duplicate it),
 * the socket event, and an SMS for the types that must not be missed. A retry after the row exists
 * re-sends nothing.
 */
export async function sendNotification(deps: Pick<Deps, 'db' | 'redis' | 'config' | 'sms' | 'logger'>, n: NotificationInput): Promise<'sent' | 'duplicate'> {
  const row = await deps.db
    .insertInto('notifications')
    .values({ userId: n.userId, type: n.type, title: n.title, body: n.body, data: JSON.stringify(n.data), dedupeKey: n.dedupeKey })
    .onConflict((oc) => oc.column('dedupeKey').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) return 'duplicate';
  socketEmitter(deps).to(userRoom(n.userId)).emit('notification', { notification: presentNotification(row) });
  if (SMS_TYPES.has(n.type)) {
    const user = await deps.db.selectFrom('users').select('phoneNumber').where('id', '=', n.userId).where('deletedAt', 'is', null).executeTakeFirst();
    if (user) await deps.sms.send(user.phoneNumber, `Biddt: ${n.body}`).catch((err) => deps.logger.warn({ err, type: n.type }, 'SMS failed'));
  }
  return 'sent';
}
