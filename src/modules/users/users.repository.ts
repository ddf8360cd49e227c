import { sql, type Expression } from 'kysely';
import type { Db, Trx } from '../../../db/connection';
import type { User, UserUpdate } from '../../../db/schema';
import { DEFAULT_LOCALE, type Locale } from '../../shared/locale';

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

/** Where and how to reach a live account: its phone (for SMS) and its language (for every text). */
export async function findLiveContact(db: Db, id: string): Promise<{ phoneNumber: string; locale: Locale } | undefined> {
  return db.selectFrom('users').select(['phoneNumber', 'locale']).where('id', '=', id).where('deletedAt', 'is', null).executeTakeFirst();
}

/** Staff see soft-deleted accounts too (support cases outlive a deletion); everyone else does not. */
export async function findUserIncludingDeleted(db: Db, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Finds the live account for a phone number, creating it (verified) on first sign-in in `locale`
 * (the sign-up request's language; an existing account keeps the one it has).
 */
export async function findOrCreateUserByPhone(db: Db, phoneNumber: string, locale: Locale = DEFAULT_LOCALE): Promise<{ user: User; created: boolean }> {
  const inserted = await db
    .insertInto('users')
    .values({ phoneNumber, phoneVerifiedAt: sql<Date>`now()`, locale })
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

/**
 * SPEC §3/§9: a buyer's non-payment strike for a sale cancelled at its payment deadline, inside the
 * caller's database transaction (the payment deadline's): the dated strike and the lifetime counter.
 * Once per sale: a second call for the same transaction changes nothing.
 */
export async function addNonPaymentStrike(trx: Trx, userId: string, transactionId: string): Promise<void> {
  const strike = await trx
    .insertInto('nonPaymentStrikes')
    .values({ userId, transactionId })
    .onConflict((oc) => oc.column('transactionId').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!strike) return;
  await trx
    .updateTable('users')
    .set({ nonPaymentStrikes: sql<number>`non_payment_strikes + 1` })
    .where('id', '=', userId)
    .execute();
}

/** How long a strike counts towards a bidding suspension (SPEC §9). */
export const STRIKE_WINDOW_DAYS = 90;
/** Strikes within the window that suspend bidding. */
export const STRIKES_TO_SUSPEND = 2;

export interface StrikeStanding {
  /** Strikes younger than the window. */
  recent: number;
  /** Until when bids and buy-now are refused (the older counted strike turning 90 days old), or null. */
  biddingSuspendedUntil: Date | null;
}

/**
 * The rule of SPEC §9 as one SQL expression, so every reader applies it alike: with two or more strikes
 * within the last 90 days (database clock, as the strikes are dated by it), bidding is suspended until
 * the older of the two most recent is 90 days old — from then on fewer than two remain in the window.
 * Null when not suspended. `userId` is a column reference (`sql.ref('users.id')`) or a value.
 */
export function biddingSuspendedUntil(userId: Expression<string>) {
  return sql<Date | null>`(
    SELECT s.created_at + make_interval(days => ${STRIKE_WINDOW_DAYS}) FROM non_payment_strikes s
    WHERE s.user_id = ${userId} AND s.created_at > now() - make_interval(days => ${STRIKE_WINDOW_DAYS})
    ORDER BY s.created_at DESC OFFSET ${STRIKES_TO_SUSPEND - 1} LIMIT 1)`;
}

/** A user's strikes within the last 90 days and the suspension they make (`biddingSuspendedUntil`). */
export async function strikeStanding(db: Db, userId: string): Promise<StrikeStanding> {
  const row = await db
    .selectNoFrom([
      sql<string>`(SELECT count(*) FROM non_payment_strikes s WHERE s.user_id = ${userId} AND s.created_at > now() - make_interval(days => ${STRIKE_WINDOW_DAYS}))`.as('recent'),
      biddingSuspendedUntil(sql.val(userId)).as('biddingSuspendedUntil'),
    ])
    .executeTakeFirstOrThrow();
  return { recent: Number(row.recent), biddingSuspendedUntil: row.biddingSuspendedUntil };
}
