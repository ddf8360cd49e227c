import { sql, type Kysely } from 'kysely';

/**
 * Non-payment strikes with their time (SPEC §9): two within 90 days suspend bidding until the older one
 * is 90 days old, so a counter on `users` is not enough. One strike per cancelled sale (the unique
 * transaction), so a retried payment-deadline job cannot strike twice. `users.non_payment_strikes`
 * stays as the lifetime count the staff console shows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE non_payment_strikes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id),
      transaction_id uuid UNIQUE REFERENCES transactions (id),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX non_payment_strikes_user_idx ON non_payment_strikes (user_id, created_at DESC)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE non_payment_strikes`.execute(db);
}
