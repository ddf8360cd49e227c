import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../../db/connection';
import { hmacSha256, safeEqualHex } from '../../shared/crypto';
import { unauthorized } from '../../shared/errors';

export interface OtpOptions {
  secret: string;
  ttlSec: number;
  maxAttempts: number;
  /** Fictional numbers with a fixed code (development/test only, SPEC §5). */
  testCodes: ReadonlyMap<string, string>;
}

const codeHash = (opts: OtpOptions, phone: string, code: string) => hmacSha256(opts.secret, `${phone}:${code}`);

/** Issues a new code for `phone`, voiding earlier ones; returns it, or undefined for a test number. */
export async function issueOtp(db: Db, opts: OtpOptions, phone: string): Promise<string | undefined> {
  const testCode = opts.testCodes.get(phone);
  const code = testCode ?? String(randomInt(0, 1_000_000)).padStart(6, '0');
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('phoneOtps').set({ consumedAt: sql<Date>`now()` }).where('phoneNumber', '=', phone).where('consumedAt', 'is', null).execute();
    await trx
      .insertInto('phoneOtps')
      .values({ phoneNumber: phone, codeHash: codeHash(opts, phone, code), expiresAt: sql<Date>`now() + make_interval(secs => ${opts.ttlSec})` })
      .execute();
  });
  return testCode ? undefined : code;
}

/**
 * Checks `code` against the live code for `phone`. Every wrong try counts; the code burns at
 * `maxAttempts`. The same 401 answers "no code", "expired", "burnt" and "wrong", so nothing leaks.
 */
export async function consumeOtp(db: Db, opts: OtpOptions, phone: string, code: string): Promise<void> {
  const wrong = () => unauthorized('invalid_code', 'The code is wrong or has expired.');
  const matched = await db.transaction().execute(async (trx) => {
    const otp = await trx
      .selectFrom('phoneOtps')
      .selectAll()
      .where('phoneNumber', '=', phone)
      .where('consumedAt', 'is', null)
      .where('expiresAt', '>', sql<Date>`now()`)
      .orderBy('createdAt', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    if (!otp) return false;
    if (safeEqualHex(otp.codeHash, codeHash(opts, phone, code))) {
      await trx.updateTable('phoneOtps').set({ consumedAt: sql<Date>`now()` }).where('id', '=', otp.id).execute();
      return true;
    }
    const attempts = otp.attempts + 1;
    await trx
      .updateTable('phoneOtps')
      .set({ attempts, ...(attempts >= opts.maxAttempts ? { consumedAt: sql<Date>`now()` } : {}) })
      .where('id', '=', otp.id)
      .execute();
    return false;
  });
  if (!matched) throw wrong();
}
