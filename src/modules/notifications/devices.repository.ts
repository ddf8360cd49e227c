import { sql, type Selectable } from 'kysely';
import type { Db, Trx } from '../../../db/connection';
import type { DevicesTable } from '../../../db/schema';

// The only Kysely code for `devices` (push tokens).

export type DeviceRow = Selectable<DevicesTable>;

/**
 * Registers a push token for the user. A token belongs to whoever is signed in on that phone, so it
 * moves to the account that registers it last (the previous one stops getting pushes there); a
 * moved token starts afresh, so its `createdAt` does not tell the new account when another one
 * registered the phone. Undefined when the account is deleted: its row is key-share locked and read
 * first, so a registration racing the account's deletion (which locks the row and drops every device)
 * either lands before it and goes with the others, or waits for it and stores nothing. Runs in the
 * caller's transaction, which has already held the session open (flows/device-registration.ts).
 */
export async function upsertDevice(trx: Trx, d: { token: string; userId: string; platform: DeviceRow['platform']; sessionId: string }): Promise<DeviceRow | undefined> {
  // Read-only lookup of `users` (as the recipients read): is the account still live?
  const live = await trx.selectFrom('users').select('id').where('id', '=', d.userId).where('deletedAt', 'is', null).forKeyShare().executeTakeFirst();
  if (!live) return undefined;
  await trx.deleteFrom('devices').where('token', '=', d.token).where('userId', '<>', d.userId).execute();
  // The conflict is the caller's own row, or one a concurrent registration inserted: last one wins.
  return trx
    .insertInto('devices')
    .values({ token: d.token, userId: d.userId, platform: d.platform, sessionId: d.sessionId })
    .onConflict((oc) => oc.column('token').doUpdateSet({ userId: d.userId, platform: d.platform, sessionId: d.sessionId, lastSeenAt: sql<Date>`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Removes one of the user's tokens; false when the user has no such token. */
export async function deleteUserDevice(db: Db, userId: string, token: string): Promise<boolean> {
  const removed = await db.deleteFrom('devices').where('token', '=', token).where('userId', '=', userId).executeTakeFirst();
  return Number(removed.numDeletedRows) > 0;
}

/** Unregisters the tokens a session registered: the user signed out on that phone. */
export async function deleteSessionDevices(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('devices').where('sessionId', '=', sessionId).execute();
}

/** Unregisters every token of the user: the deletion of the account signs it out of every session. */
export async function deleteDevicesOf(trx: Trx, userId: string): Promise<void> {
  await trx.deleteFrom('devices').where('userId', '=', userId).execute();
}

/** The push tokens registered for a user. */
export async function deviceTokensOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('devices').select('token').where('userId', '=', userId).execute();
  return rows.map((r) => r.token);
}

/** Whether the token is still registered to the user (a phone can sign out or move to another account at any moment). */
export async function isDeviceOf(db: Db, token: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('devices').select('token').where('token', '=', token).where('userId', '=', userId).executeTakeFirst();
  return row !== undefined;
}

/** Forgets a token the push service reported as no longer valid. */
export async function deleteDeviceToken(db: Db, token: string): Promise<void> {
  await db.deleteFrom('devices').where('token', '=', token).execute();
}
