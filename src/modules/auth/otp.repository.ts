import { sql, type Selectable } from 'kysely';
import type { Db } from '../../../db/connection';
import type { PhoneOtpsTable } from '../../../db/schema';

// The only Kysely code for `phone_otps`. A `Trx` is a `Db` too: callers pass their transaction.

/** Voids every live code of `phone` (a new one replaces them). */
export async function voidLiveOtps(db: Db, phone: string): Promise<void> {
  await db.updateTable('phoneOtps').set({ consumedAt: sql<Date>`now()` }).where('phoneNumber', '=', phone).where('consumedAt', 'is', null).execute();
}

/** Stores a code's hash, valid for `ttlSec` from now (database time). */
export async function insertOtp(db: Db, phone: string, codeHash: string, ttlSec: number): Promise<void> {
  await db
    .insertInto('phoneOtps')
    .values({ phoneNumber: phone, codeHash, expiresAt: sql<Date>`now() + make_interval(secs => ${ttlSec})` })
    .execute();
}

/** The newest live (unconsumed, unexpired) code of `phone`, locked until the transaction ends. */
export async function lockLiveOtp(trx: Db, phone: string): Promise<Selectable<PhoneOtpsTable> | undefined> {
  return trx
    .selectFrom('phoneOtps')
    .selectAll()
    .where('phoneNumber', '=', phone)
    .where('consumedAt', 'is', null)
    .where('expiresAt', '>', sql<Date>`now()`)
    .orderBy('createdAt', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

/** Marks a code used (it matched). */
export async function consumeOtpRow(db: Db, id: string): Promise<void> {
  await db.updateTable('phoneOtps').set({ consumedAt: sql<Date>`now()` }).where('id', '=', id).execute();
}

/** Records a wrong try; `burn` also consumes the code (its last allowed try). */
export async function recordOtpAttempt(db: Db, id: string, attempts: number, burn: boolean): Promise<void> {
  await db
    .updateTable('phoneOtps')
    .set({ attempts, ...(burn ? { consumedAt: sql<Date>`now()` } : {}) })
    .where('id', '=', id)
    .execute();
}

/** Deletes codes expired for more than a day (maintenance); returns how many. */
export async function deleteExpiredOtps(db: Db): Promise<number> {
  const result = await db.deleteFrom('phoneOtps').where('expiresAt', '<', sql<Date>`now() - interval '1 day'`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
