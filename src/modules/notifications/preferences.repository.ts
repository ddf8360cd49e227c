import { sql, type Selectable } from 'kysely';
import type { Db } from '../../../db/connection';
import type { NotificationPreferencesTable } from '../../../db/schema';

// The only Kysely code for `notification_preferences`.

export type PreferenceRow = Selectable<NotificationPreferencesTable>;

/** Every choice the user saved (types × channels they never touched have no row). */
export async function savedPreferencesOf(db: Db, userId: string): Promise<Pick<PreferenceRow, 'type' | 'channel' | 'enabled'>[]> {
  return db.selectFrom('notificationPreferences').select(['type', 'channel', 'enabled']).where('userId', '=', userId).execute();
}

/** Saves the given choices, replacing earlier ones for the same type and channel. */
export async function savePreferences(db: Db, userId: string, choices: { type: string; channel: 'push' | 'sms'; enabled: boolean }[]): Promise<void> {
  if (choices.length === 0) return;
  await db
    .insertInto('notificationPreferences')
    .values(choices.map((c) => ({ userId, type: c.type, channel: c.channel, enabled: c.enabled })))
    .onConflict((oc) => oc.columns(['userId', 'type', 'channel']).doUpdateSet((eb) => ({ enabled: eb.ref('excluded.enabled'), updatedAt: sql<Date>`now()` })))
    .execute();
}
