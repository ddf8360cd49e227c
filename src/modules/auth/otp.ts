import { randomInt } from 'node:crypto';
import type { Db } from '../../../db/connection';
import { hmacSha256, safeEqualHex } from '../../shared/crypto';
import { unauthorized } from '../../shared/errors';
import { consumeOtpRow, insertOtp, lockLiveOtp, recordOtpAttempt, voidLiveOtps } from './otp.repository';

export interface OtpOptions {
  secret: string;
  ttlSec: number;
  maxAttempts: number;
  /** Fictional numbers with a fixed code (development/test only, SPEC §5). */
  testCodes: ReadonlyMap<string, string>;
}

const codeHash = (opts: OtpOptions, phone: string, code: string) => hmacSha256(opts.secret, `${phone}:${code}`);

/**
 * Issues a new code for `phone`: `deliver` texts it (not for a test number), then it replaces the
 * earlier ones. Texted first, stored after: a code that cannot be sent (503 `sms_unavailable`, a
 * provider error) must not void the one the user already received and may be about to type.
 */
export async function issueOtp(db: Db, opts: OtpOptions, phone: string, deliver: (code: string) => Promise<void>): Promise<void> {
  const testCode = opts.testCodes.get(phone);
  const code = testCode ?? String(randomInt(0, 1_000_000)).padStart(6, '0');
  if (!testCode) await deliver(code);
  await db.transaction().execute(async (trx) => {
    await voidLiveOtps(trx, phone);
    await insertOtp(trx, phone, codeHash(opts, phone, code), opts.ttlSec);
  });
}

/**
 * Checks `code` against the live code for `phone`. Every wrong try counts; the code burns at
 * `maxAttempts`. The same 401 answers "no code", "expired", "burnt" and "wrong", so nothing leaks.
 */
export async function consumeOtp(db: Db, opts: OtpOptions, phone: string, code: string): Promise<void> {
  const wrong = () => unauthorized('invalid_code', 'The code is wrong or has expired.');
  const matched = await db.transaction().execute(async (trx) => {
    const otp = await lockLiveOtp(trx, phone);
    if (!otp) return false;
    if (safeEqualHex(otp.codeHash, codeHash(opts, phone, code))) {
      await consumeOtpRow(trx, otp.id);
      return true;
    }
    const attempts = otp.attempts + 1;
    await recordOtpAttempt(trx, otp.id, attempts, attempts >= opts.maxAttempts);
    return false;
  });
  if (!matched) throw wrong();
}
