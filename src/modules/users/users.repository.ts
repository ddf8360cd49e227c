import { sql } from 'kysely';
import type { Db } from '../../../db/connection';
import type { User, UserUpdate } from '../../../db/schema';

/** The only Kysely code for users. Soft-deleted users behave as absent. */
export const usersRepository = {
  async findById(db: Db, id: string): Promise<User | undefined> {
    return db.selectFrom('users').selectAll().where('id', '=', id).where('deletedAt', 'is', null).executeTakeFirst();
  },

  /** Finds the live account for a phone number, creating it (verified) on first sign-in. */
  async findOrCreateByPhone(db: Db, phoneNumber: string): Promise<{ user: User; created: boolean }> {
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
  },

  /** Average (one decimal, half away from zero) and count of the ratings a user received. */
  async ratingSummary(db: Db, userId: string): Promise<{ average: number | null; count: number }> {
    const row = await db
      .selectFrom('ratings')
      .select([sql<string | null>`round(avg(score), 1)`.as('average'), sql<string>`count(*)`.as('count')])
      .where('rateeId', '=', userId)
      .executeTakeFirstOrThrow();
    return { average: row.average === null ? null : Number(row.average), count: Number(row.count) };
  },

  async update(db: Db, id: string, patch: UserUpdate): Promise<User | undefined> {
    // An empty PATCH is valid and changes nothing; `UPDATE … SET` with no column is a syntax error.
    if (Object.keys(patch).length === 0) return usersRepository.findById(db, id);
    return db.updateTable('users').set(patch).where('id', '=', id).where('deletedAt', 'is', null).returningAll().executeTakeFirst();
  },
};
