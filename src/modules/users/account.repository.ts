import { sql } from 'kysely';
import type { Db, Trx } from '../../../db/connection';
import type { User } from '../../../db/schema';

// Account deletion, restore and purge (SPEC §4, §9) on the `users` table. The restore window is passed
// in as a cut-off so the rule (30 days) lives in one place, the account flow.

/** Locks the account (live or deleted) for the rest of the caller's transaction. */
export async function lockAccount(trx: Trx, id: string): Promise<User | undefined> {
  return trx.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Reads a live account and share-locks its row to the commit (KEY SHARE, as a bid batch reads its
 * bidders): an account deletion or an admin suspension holding the row (FOR UPDATE) is waited for, and
 * its outcome read; one that comes later waits for the caller's commit. Blocks no plain update.
 */
export async function shareLockLiveAccount(trx: Trx, id: string): Promise<User | undefined> {
  return trx.selectFrom('users').selectAll().where('id', '=', id).where('deletedAt', 'is', null).forKeyShare().executeTakeFirst();
}

/** Soft-deletes a live account; answers the deletion time (the listings deleted with it carry the same). */
export async function softDeleteAccount(trx: Trx, id: string): Promise<Date | undefined> {
  const row = await trx
    .updateTable('users')
    .set({ deletedAt: sql<Date>`now()` })
    .where('id', '=', id)
    .where('deletedAt', 'is', null)
    .returning('deletedAt')
    .executeTakeFirst();
  return row?.deletedAt ?? undefined;
}

/**
 * Locks every account row of this phone (live or deleted, not purged) for the rest of the caller's
 * transaction: a sign-in takes it first, so it waits for a deletion or restore of the account in flight
 * and then reads its outcome. NO KEY UPDATE, like the sign-in's own update of the row: it does not hold
 * back the KEY SHARE reads of bid batches.
 */
export async function lockAccountsOfPhone(trx: Trx, phoneNumber: string): Promise<void> {
  await trx.selectFrom('users').select('id').where('phoneNumber', '=', phoneNumber).forNoKeyUpdate().execute();
}

/** The deleted, not purged account of this phone deleted after `deletedAfter` (still restorable). */
export async function findRestorableAccountByPhone(db: Db, phoneNumber: string, deletedAfter: Date): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('phoneNumber', '=', phoneNumber)
    .where('deletedAt', '>', deletedAfter)
    .where('purgedAt', 'is', null)
    .orderBy('deletedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Brings a deleted account back (the caller checked the window and the phone is free). */
export async function undeleteAccount(trx: Trx, id: string): Promise<User | undefined> {
  return trx
    .updateTable('users')
    .set({ deletedAt: null })
    .where('id', '=', id)
    .where('deletedAt', 'is not', null)
    .where('purgedAt', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** True when another live account holds this phone number (restoring would break its uniqueness). */
export async function phoneTakenByLiveAccount(db: Db, phoneNumber: string, exceptId: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('phoneNumber', '=', phoneNumber).where('deletedAt', 'is', null).where('id', '<>', exceptId).executeTakeFirst();
  return Boolean(row);
}

/** Ids of accounts deleted before `deletedBefore` and not purged yet, oldest first, locked and skipped by a concurrent purge. */
export async function claimAccountsDueForPurge(trx: Trx, deletedBefore: Date, limit: number): Promise<string[]> {
  const rows = await trx
    .selectFrom('users')
    .select('id')
    .where('deletedAt', '<', deletedBefore)
    .where('purgedAt', 'is', null)
    .orderBy('deletedAt')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Removes the personal data of a deleted account and marks it purged. The row itself stays as the
 * anonymous party of the money records (transactions, ledger) that must outlive it; its phone becomes
 * a placeholder no sign-in can match.
 */
export async function anonymizeAccount(trx: Trx, id: string, purgedAt: Date): Promise<void> {
  await trx
    .updateTable('users')
    .set({ phoneNumber: `purged:${id}`, displayName: null, email: null, avatarUrl: null, phoneVerifiedAt: null, purgedAt })
    .where('id', '=', id)
    .where('purgedAt', 'is', null)
    .execute();
}
