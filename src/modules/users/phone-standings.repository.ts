import { sql } from 'kysely';
import type { Db, Trx } from '../../../db/connection';
import { hmacSha256 } from '../../shared/crypto';
import { STRIKE_WINDOW_DAYS } from './users.repository';

// The only Kysely code for `purged_phone_standings`: fraud prevention across the purge (SPEC §9, §4).
// Deleting an account, waiting out the 30 days and signing up again on the same phone must not wipe its
// non-payment strikes or its suspension. The purge removes the personal data, phone included; what it
// keeps here is the least that stops the evasion: the dates of the strikes still inside their 90-day
// window and whether the account was suspended, under a keyed hash of the phone, never the number.

/**
 * The key a phone's record is kept under: HMAC-SHA256 with a server secret (the access-token key, with a
 * label of its own so the value is of no use anywhere else), so the table cannot be read back into
 * phone numbers without the secret. Rotating that secret orphans the records (they then match no phone).
 */
export const phoneStandingKey = (secret: string, phoneNumber: string): string => hmacSha256(secret, `purged-phone-standing:${phoneNumber}`);

const inWindow = (column: string) => sql`${sql.ref(column)} > now() - make_interval(days => ${STRIKE_WINDOW_DAYS})`;

/**
 * At the purge of an account, before its phone goes: keeps its strikes within their window (their
 * dates) and whether it is suspended, merged with what an earlier purged account of the phone left.
 * Nothing is written for an account with a clean record.
 */
export async function keepStandingOfPurgedAccount(trx: Trx, userId: string, phoneKey: string): Promise<void> {
  await sql`
    INSERT INTO purged_phone_standings (phone_key, strike_times, suspended)
    SELECT ${phoneKey},
      coalesce((SELECT array_agg(s.created_at ORDER BY s.created_at) FROM non_payment_strikes s WHERE s.user_id = u.id AND ${inWindow('s.created_at')}), '{}'),
      u.suspended_at IS NOT NULL
    FROM users u
    WHERE u.id = ${userId}
      AND (u.suspended_at IS NOT NULL OR EXISTS (SELECT 1 FROM non_payment_strikes s WHERE s.user_id = u.id AND ${inWindow('s.created_at')}))
    ON CONFLICT (phone_key) DO UPDATE SET
      strike_times = ARRAY(SELECT DISTINCT t FROM unnest(purged_phone_standings.strike_times || EXCLUDED.strike_times) AS t WHERE ${inWindow('t')} ORDER BY t),
      suspended = purged_phone_standings.suspended OR EXCLUDED.suspended,
      updated_at = now()`.execute(trx);
}

/**
 * A new account on a phone takes over the standing of its earlier accounts: the record a purge kept
 * (taken out of the table: the new account carries it from now on), and that of any account of the
 * phone deleted past its restore window but not purged yet. Their strikes within the window become
 * strikes of the new account with their original dates (no sale attached), and a suspension suspends
 * it. Run in the sign-up's transaction, which holds the phone's account rows, so the purge of those
 * accounts (which skips locked rows) cannot run in between.
 */
export async function inheritPhoneStanding(trx: Trx, userId: string, phoneNumber: string, phoneKey: string): Promise<{ strikes: number; suspended: boolean }> {
  const { rows } = await sql<{ strikes: number; suspended: boolean }>`
    WITH taken AS (
      DELETE FROM purged_phone_standings WHERE phone_key = ${phoneKey} RETURNING strike_times, suspended
    ), earlier AS (
      SELECT id, suspended_at FROM users
      WHERE phone_number = ${phoneNumber} AND deleted_at IS NOT NULL AND purged_at IS NULL AND id <> ${userId}
    ), times AS (
      SELECT unnest(strike_times) AS t FROM taken
      UNION SELECT s.created_at FROM non_payment_strikes s JOIN earlier e ON s.user_id = e.id
    ), inherited AS (
      INSERT INTO non_payment_strikes (user_id, created_at) SELECT ${userId}, t FROM times WHERE ${inWindow('t')} RETURNING 1
    ), suspension AS (
      SELECT EXISTS (SELECT 1 FROM taken WHERE suspended) OR EXISTS (SELECT 1 FROM earlier WHERE suspended_at IS NOT NULL) AS suspended
    )
    UPDATE users SET
      non_payment_strikes = non_payment_strikes + (SELECT count(*) FROM inherited),
      suspended_at = CASE WHEN (SELECT suspended FROM suspension) THEN coalesce(suspended_at, now()) ELSE suspended_at END
    WHERE id = ${userId}
    RETURNING (SELECT count(*)::int FROM inherited) AS strikes, (SELECT suspended FROM suspension) AS suspended`.execute(trx);
  return rows[0] ?? { strikes: 0, suspended: false };
}

/** Forgets the records with neither a strike left inside its window nor a suspension (the purge job's housekeeping). */
export async function deleteLapsedPhoneStandings(db: Db): Promise<void> {
  await sql`
    DELETE FROM purged_phone_standings p
    WHERE NOT p.suspended AND NOT EXISTS (SELECT 1 FROM unnest(p.strike_times) AS t WHERE ${inWindow('t')})`.execute(db);
}
