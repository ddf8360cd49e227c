import { sql } from 'kysely';
import type { Db, Trx } from '../../../db/connection';
import type { User, UserUpdate } from '../../../db/schema';

// The only Kysely code for users. Soft-deleted users behave as absent (staff views excepted); a
// transaction (`Trx`) is a `Db` too, so every function runs inside the caller's transaction when given one.

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).where('deletedAt', 'is', null).executeTakeFirst();
}

/** Whether `id` is a live (not soft-deleted) account; reads only the id, inside the caller's transaction. */
export async function isLiveUser(db: Db, id: string): Promise<boolean> {
  const user = await db.selectFrom('users').select(['id']).where('id', '=', id).where('deletedAt', 'is', null).executeTakeFirst();
  return Boolean(user);
}

/** The phone number of a live account (for the messages that go out by SMS). */
export async function findLivePhoneNumber(db: Db, id: string): Promise<string | undefined> {
  const user = await db.selectFrom('users').select('phoneNumber').where('id', '=', id).where('deletedAt', 'is', null).executeTakeFirst();
  return user?.phoneNumber;
}

/** Staff see soft-deleted accounts too (support cases outlive a deletion); everyone else does not. */
export async function findUserIncludingDeleted(db: Db, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Finds the live account for a phone number, creating it (verified) on first sign-in. */
export async function findOrCreateUserByPhone(db: Db, phoneNumber: string): Promise<{ user: User; created: boolean }> {
  const inserted = await db
    .insertInto('users')
    .values({ phoneNumber, phoneVerifiedAt: sql<Date>`now()` })
    .onConflict((oc) => oc.column('phoneNumber').where('deletedAt', 'is', null).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { user: inserted, created: true };
  const user = await db
    .updateTable('users')
    .set({ phoneVerifiedAt: sql<Date>`coalesce(phone_verified_at, now())` })
    .where('phoneNumber', '=', phoneNumber)
    .where('deletedAt', 'is', null)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { user, created: false };
}

/** Average (one decimal, half away from zero) and count of the ratings a user received. */
export async function userRatingSummary(db: Db, userId: string): Promise<{ average: number | null; count: number }> {
  const row = await db
    .selectFrom('ratings')
    .select([sql<string | null>`round(avg(score), 1)`.as('average'), sql<string>`count(*)`.as('count')])
    .where('rateeId', '=', userId)
    .executeTakeFirstOrThrow();
  return { average: row.average === null ? null : Number(row.average), count: Number(row.count) };
}

export async function updateUser(db: Db, id: string, patch: UserUpdate): Promise<User | undefined> {
  // An empty PATCH is valid and changes nothing; `UPDATE … SET` with no column is a syntax error.
  if (Object.keys(patch).length === 0) return findUserById(db, id);
  return db.updateTable('users').set(patch).where('id', '=', id).where('deletedAt', 'is', null).returningAll().executeTakeFirst();
}

/**
 * Suspends (keeping the original time when repeated) or lifts the suspension of a live account;
 * undefined when there is no such account. Run inside the transaction that audits it.
 */
export async function setUserSuspended(db: Db, id: string, suspended: boolean): Promise<User | undefined> {
  return db
    .updateTable('users')
    .set({ suspendedAt: suspended ? sql<Date>`coalesce(suspended_at, now())` : null })
    .where('id', '=', id)
    .where('deletedAt', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** The same functions grouped, as the module's own route file and the staff console call them. */
export const usersRepository = {
  findById: findUserById,
  findOrCreateByPhone: findOrCreateUserByPhone,
  ratingSummary: userRatingSummary,
  update: updateUser,
};

/** SPEC §3: a buyer's non-payment strike, inside the caller's database transaction (the payment deadline's). */
export async function addNonPaymentStrike(trx: Trx, userId: string): Promise<void> {
  await trx
    .updateTable('users')
    .set({ nonPaymentStrikes: sql<number>`non_payment_strikes + 1` })
    .where('id', '=', userId)
    .execute();
}
