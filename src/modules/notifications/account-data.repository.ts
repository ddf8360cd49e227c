import { sql } from 'kysely';
import { anyOf } from '../../../db/any-of';
import type { Db, Trx } from '../../../db/connection';

/** Every notification of the user, for a privacy access request. */
export async function notificationsOfUser(db: Db, userId: string) {
  return db.selectFrom('notifications').selectAll().where('userId', '=', userId).orderBy('createdAt').execute();
}

/** Every push device of the user, for a privacy access request. */
export async function devicesOfUser(db: Db, userId: string) {
  return db.selectFrom('devices').selectAll().where('userId', '=', userId).orderBy('createdAt').execute();
}

/** The purge of a deleted account: its devices and notification texts go. */
export async function deleteNotificationDataOf(trx: Trx, userId: string): Promise<{ devices: number; notifications: number }> {
  const devices = await trx.deleteFrom('devices').where('userId', '=', userId).returning('token').execute();
  const notifications = await trx.deleteFrom('notifications').where('userId', '=', userId).returning('id').execute();
  return { devices: devices.length, notifications: notifications.length };
}

/**
 * The purge of a deleted account, on the other side of its chats: the `new_message` notifications its
 * messages gave `recipientIds` quote them (a preview), and that text goes with the messages themselves.
 * The notifications stay (they are the recipients'), saying `erased` instead.
 */
export async function eraseMessagePreviews(trx: Trx, recipientIds: string[], messageIds: string[], erased: string): Promise<number> {
  const rows = await trx
    .updateTable('notifications')
    .set({ body: erased })
    .where('userId', '=', anyOf(recipientIds, 'uuid'))
    .where('type', '=', 'new_message')
    .where(sql<string>`data->>'messageId'`, '=', anyOf(messageIds, 'text'))
    .where('body', '<>', erased)
    .returning('id')
    .execute();
  return rows.length;
}
