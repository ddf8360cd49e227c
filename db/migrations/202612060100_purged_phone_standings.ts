import { sql, type Kysely } from 'kysely';

/**
 * Fraud prevention across the purge (SPEC §9): deleting an account, waiting out the 30 days and signing
 * up again on the same phone must not wipe its non-payment strikes or a suspension. The purge keeps,
 * per phone, only the dates of the strikes still inside their 90-day window and whether the account
 * was suspended, keyed by an HMAC of the phone (a server secret; the number itself is not kept). A new
 * account on that phone takes the record over. Rows with neither a strike in its window nor a
 * suspension are deleted by the purge job.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE purged_phone_standings (
      phone_key text PRIMARY KEY,
      strike_times timestamptz[] NOT NULL DEFAULT '{}',
      suspended boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS purged_phone_standings`.execute(db);
}
