import type { Db } from '../../../db/connection';

// The only Kysely code for `sms_opt_outs` (phones that replied STOP).

/** Records that a phone opted out of our texts (keeps the first time on a repeated STOP). */
export async function optOutPhone(db: Db, phoneNumber: string): Promise<void> {
  await db.insertInto('smsOptOuts').values({ phoneNumber }).onConflict((oc) => oc.column('phoneNumber').doNothing()).execute();
}

/** A phone replied START: it may be texted again. */
export async function optInPhone(db: Db, phoneNumber: string): Promise<void> {
  await db.deleteFrom('smsOptOuts').where('phoneNumber', '=', phoneNumber).execute();
}

/** Whether the phone replied STOP (and not START since). */
export async function isSmsOptedOut(db: Db, phoneNumber: string): Promise<boolean> {
  const row = await db.selectFrom('smsOptOuts').select('phoneNumber').where('phoneNumber', '=', phoneNumber).executeTakeFirst();
  return Boolean(row);
}

/** Whether the user's own phone replied STOP (a read-only lookup of `users`): no text can reach them. */
export async function isUserSmsOptedOut(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('users as u')
    .innerJoin('smsOptOuts as o', 'o.phoneNumber', 'u.phoneNumber')
    .select('u.id')
    .where('u.id', '=', userId)
    .executeTakeFirst();
  return Boolean(row);
}
