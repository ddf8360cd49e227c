import { sql } from 'kysely';
import type { Db } from '../../../db/connection';
import type { Role, User } from '../../../db/schema';

/** Escapes LIKE wildcards so a search for "50%" means the characters, not a pattern. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

// Staff reads and writes of accounts (the users module is the table's only writer). Staff see
// soft-deleted accounts too (support cases outlive a deletion): they read one with
// `findUserIncludingDeleted` and suspend with `setUserSuspended` (users.repository.ts).

/** A row of the staff search, with its created_at as exact PostgreSQL text: the page key. */
export type StaffSearchRow = User & { createdKey: string };

/**
 * Staff search by phone prefix ("+1555…", digits only also match after the "+") or by a
 * case-insensitive part of the display name; newest first, keyset on (created_at, id). The key is
 * created_at as PostgreSQL text: a Date keeps milliseconds only, and accounts created in one statement
 * share created_at to the microsecond, so a millisecond key skipped them.
 */
export async function searchUsersForStaff(
  db: Db,
  q: string,
  limit: number,
  after?: { key: string; id: string },
): Promise<StaffSearchRow[]> {
  const term = q.trim();
  let query = db
    .selectFrom('users')
    .selectAll()
    .select(sql<string>`created_at::text`.as('createdKey'));
  if (term) {
    const digits = term.replace(/[\s()-]/g, '');
    const phonePrefix = /^\+?\d+$/.test(digits) ? `${digits.startsWith('+') ? '' : '+'}${digits}` : null;
    query = query.where((eb) =>
      eb.or([
        ...(phonePrefix ? [eb('phoneNumber', 'like', `${likeLiteral(phonePrefix)}%`)] : []),
        eb(sql`lower(display_name)`, 'like', `%${likeLiteral(term.toLowerCase())}%`),
      ]),
    );
  }
  if (after) query = query.where(sql<boolean>`(created_at, id) < (${after.key}::timestamptz, ${after.id}::uuid)`);
  return query
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

/** The live account for a phone, or undefined. */
export async function findLiveUserByPhone(db: Db, phoneNumber: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('phoneNumber', '=', phoneNumber).where('deletedAt', 'is', null).executeTakeFirst();
}

export async function setUserRole(db: Db, id: string, role: Role): Promise<User | undefined> {
  return db.updateTable('users').set({ role }).where('id', '=', id).returningAll().executeTakeFirst();
}

/** Activity counts for a staff profile: sales on each side (read-only join of transactions). */
export async function userTransactionCounts(db: Db, userId: string): Promise<{ asBuyer: number; asSeller: number }> {
  const row = await db
    .selectFrom('transactions')
    .select([
      sql<string>`count(*) FILTER (WHERE buyer_id = ${userId})`.as('asBuyer'),
      sql<string>`count(*) FILTER (WHERE seller_id = ${userId})`.as('asSeller'),
    ])
    .where((eb) => eb.or([eb('buyerId', '=', userId), eb('sellerId', '=', userId)]))
    .executeTakeFirstOrThrow();
  return { asBuyer: Number(row.asBuyer), asSeller: Number(row.asSeller) };
}
