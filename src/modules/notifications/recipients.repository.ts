import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Db } from '../../../db/connection';
import type { Locale } from '../../shared/locale';

/**
 * Everything delivering one notification needs to know about its recipient, in one statement (the
 * notifications worker runs it for every notification, outbid ones at bid rate): the live account's
 * contact (read-only lookup of `users`; absent once the account is deleted), the saved channel
 * choices and the registered devices.
 */
export async function recipientOf(db: Db, userId: string) {
  const row = await db
    .selectNoFrom((eb) => [
      jsonObjectFrom(eb.selectFrom('users').select(['phoneNumber', 'locale']).where('id', '=', userId).where('deletedAt', 'is', null)).as('contact'),
      jsonArrayFrom(eb.selectFrom('notificationPreferences').select(['type', 'channel', 'enabled']).where('userId', '=', userId)).as('saved'),
      jsonArrayFrom(eb.selectFrom('devices').select('token').where('userId', '=', userId)).as('devices'),
    ])
    .executeTakeFirstOrThrow();
  return {
    contact: row.contact as { phoneNumber: string; locale: Locale } | null,
    saved: row.saved,
    deviceTokens: row.devices.map((d) => d.token),
  };
}
