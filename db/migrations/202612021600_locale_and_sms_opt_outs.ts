import { sql, type Kysely } from 'kysely';

/**
 * The user's language (SPEC §9: English and French; every notification, push and SMS is written in
 * it), and the phones that replied STOP to our texts (Twilio's opt-out keywords): no SMS goes to them
 * until they reply START. Opt-outs are per phone, not per account: the carrier-level rule follows
 * the number, whoever holds an account with it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'fr'))`.execute(db);
  await sql`
    CREATE TABLE sms_opt_outs (
      phone_number text PRIMARY KEY,
      opted_out_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS sms_opt_outs`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS locale`.execute(db);
}
