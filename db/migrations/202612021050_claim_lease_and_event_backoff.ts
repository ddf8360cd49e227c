import { sql, type Kysely } from 'kysely';

/**
 * Issue #10 small defects. `idempotency_keys.claimed_at`: when the current holder claimed the key, so
 * a retry can take over a claim whose request died mid-flight (the lease), while `created_at` keeps
 * driving the weekly prune. `stripe_events` attempts with backoff: an event whose Stripe object cannot
 * be fetched is retried less and less often, then marked failed (visible to staff) instead of being
 * re-queued every minute forever.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE idempotency_keys ADD COLUMN claimed_at timestamptz NOT NULL DEFAULT now()`.execute(db);
  await sql`
    ALTER TABLE stripe_events
      ADD COLUMN attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      ADD COLUMN next_attempt_at timestamptz,
      ADD COLUMN failed_at timestamptz,
      ADD COLUMN last_error text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE stripe_events
      DROP COLUMN IF EXISTS attempts,
      DROP COLUMN IF EXISTS next_attempt_at,
      DROP COLUMN IF EXISTS failed_at,
      DROP COLUMN IF EXISTS last_error`.execute(db);
  await sql`ALTER TABLE idempotency_keys DROP COLUMN IF EXISTS claimed_at`.execute(db);
}
