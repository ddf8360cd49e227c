import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { anyOf } from '../../../db/any-of';
import type { Db } from '../../../db/connection';
import type { Locale } from '../../shared/locale';

/** What delivering a notification needs to know about its recipient. */
export interface Recipient {
  /** The live account's contact (read-only lookup of `users`); null once the account is deleted. */
  contact: { phoneNumber: string; phoneVerified: boolean; locale: Locale } | null;
  /** The saved channel choices. */
  saved: Array<{ type: string; channel: string; enabled: boolean }>;
  /** The registered devices. */
  deviceTokens: string[];
}

const GONE: Recipient = { contact: null, saved: [], deviceTokens: [] };

/**
 * The recipients of a batch of notifications, in one statement however many (the notifications
 * worker reads them for every batch, outbid ones at bid rate). A deleted or unknown account has no
 * contact and nothing to send to: only its in-app row is written.
 */
export async function recipientsOf(db: Db, userIds: string[]): Promise<(userId: string) => Recipient> {
  const rows = await db
    .selectFrom('users as u')
    .select((eb) => [
      'u.id',
      'u.phoneNumber',
      'u.phoneVerifiedAt',
      'u.locale',
      jsonArrayFrom(
        eb.selectFrom('notificationPreferences as p').select(['p.type', 'p.channel', 'p.enabled']).whereRef('p.userId', '=', 'u.id'),
      ).as('saved'),
      jsonArrayFrom(eb.selectFrom('devices as d').select('d.token').whereRef('d.userId', '=', 'u.id')).as('devices'),
    ])
    // One array parameter: the same statement text (prepared once) for any number of recipients.
    .where('u.id', '=', anyOf(userIds, 'uuid'))
    .where('u.deletedAt', 'is', null)
    .execute();
  const byId = new Map(
    rows.map((r): [string, Recipient] => [
      r.id,
      {
        contact: { phoneNumber: r.phoneNumber, phoneVerified: r.phoneVerifiedAt !== null, locale: r.locale as Locale },
        saved: r.saved,
        deviceTokens: r.devices.map((d) => d.token),
      },
    ]),
  );
  return (userId) => byId.get(userId) ?? GONE;
}
