import { sql, type Selectable } from 'kysely';
import type { Db, Trx } from '../../../db/connection';
import type { NotificationPreferencesTable } from '../../../db/schema';

// The only Kysely code for `notification_preferences`.

export type PreferenceRow = Selectable<NotificationPreferencesTable>;

/**
 * One preferences save per user at a time, until the transaction ends: the must-reach check reads
 * the saved choices, so two saves checked side by side could each switch off one channel of `won`.
 * An advisory lock rather than the user's row, which bids, notifications and sessions reference.
 */
export async function lockPreferencesOf(trx: Trx, userId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`notification-preferences:${userId}`}))`.execute(trx);
}

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
