import { sql, type Kysely } from 'kysely';

/**
 * Issue #10: every money effect (a payout, a refund, a partial refund's remainder, a payout waiting
 * for the seller's wallet) is a durable intent, committed in the same transaction as the decision.
 * The row — not the BullMQ job — is the truth: workers claim it (a lease), carry it out under a
 * Stripe idempotency key derived from `key`, and record the outcome; a sweep re-drives anything due
 * or whose lease expired, with capped exponential backoff, for days. After a threshold the intent is
 * `failing`: still retried, but counted by a metric and listed for staff (`/v1/admin/money-jobs`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE money_intents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      key text NOT NULL UNIQUE,
      kind text NOT NULL CHECK (kind IN ('release', 'refund')),
      transaction_id uuid NOT NULL REFERENCES transactions(id),
      amount_cents integer CHECK (amount_cents IS NULL OR amount_cents >= 0),
      payload jsonb NOT NULL,
      status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'succeeded', 'failing', 'waiting_for_wallet', 'skipped')),
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      lease_until timestamptz,
      claimed_at timestamptz,
      requested_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      last_outcome text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz
    )`.execute(db);
  // The sweep's scan: intents still to do, by due time.
  await sql`CREATE INDEX money_intents_due ON money_intents (next_attempt_at) WHERE status IN ('pending', 'running', 'failing')`.execute(db);
  // The staff list: by status, newest first.
  await sql`CREATE INDEX money_intents_status ON money_intents (status, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX money_intents_transaction ON money_intents (transaction_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS money_intents`.execute(db);
}
