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

  /** Average and count of ratings received; ratings arrive with completed transactions. */
  async ratingSummary(_db: Db, _userId: string): Promise<{ average: number | null; count: number }> {
    return { average: null, count: 0 };
  },

  async update(db: Db, id: string, patch: UserUpdate): Promise<User | undefined> {
    return db.updateTable('users').set(patch).where('id', '=', id).where('deletedAt', 'is', null).returningAll().executeTakeFirst();
  },
};
