import { sql, type Kysely } from 'kysely';

/** Escrow: Stripe Connect accounts, payment/transfer ids on transactions, timeline, pickup tokens, disputes, ratings, ledger. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE seller_accounts (
      user_id uuid PRIMARY KEY REFERENCES users (id),
      stripe_account_id text NOT NULL UNIQUE,
      charges_enabled boolean NOT NULL DEFAULT false,
      payouts_enabled boolean NOT NULL DEFAULT false,
      details_submitted boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    ALTER TABLE transactions
      ADD COLUMN payment_intent_id text UNIQUE,
      ADD COLUMN charge_id text UNIQUE,
      ADD COLUMN paid_at timestamptz,
      ADD COLUMN transfer_id text UNIQUE,
      ADD COLUMN refunded_cents integer NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0),
      ADD COLUMN cancelled_at timestamptz,
      ADD COLUMN cancel_reason text,
      ADD CONSTRAINT transactions_refund_bounded CHECK (refunded_cents <= amount_cents)`.execute(db);
  await sql`CREATE INDEX transactions_status_due_idx ON transactions (status, payment_due_at)`.execute(db);

  await sql`
    CREATE TABLE transaction_events (
      id bigserial PRIMARY KEY,
      transaction_id uuid NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
      type text NOT NULL,
      actor_id uuid REFERENCES users (id),
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX transaction_events_tx_idx ON transaction_events (transaction_id, id)`.execute(db);

  await sql`
    CREATE TABLE pickup_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      transaction_id uuid NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
      buyer_id uuid NOT NULL REFERENCES users (id),
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      voided_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX pickup_tokens_tx_idx ON pickup_tokens (transaction_id)`.execute(db);

  await sql`
    CREATE TABLE disputes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      transaction_id uuid NOT NULL REFERENCES transactions (id),
      source text NOT NULL CHECK (source IN ('party', 'chargeback', 'escalation')),
      opened_by uuid REFERENCES users (id),
      reason text NOT NULL,
      details text NOT NULL DEFAULT '',
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
      resolution text CHECK (resolution IN ('release', 'refund', 'partial_refund')),
      refund_cents integer,
      resolution_note text,
      resolved_by uuid REFERENCES users (id),
      resolved_at timestamptz,
      stripe_dispute_id text UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // At most one open dispute per transaction: a second opener finds the first.
  await sql`CREATE UNIQUE INDEX disputes_one_open_idx ON disputes (transaction_id) WHERE status = 'open'`.execute(db);
  await sql`CREATE INDEX disputes_status_idx ON disputes (status, created_at)`.execute(db);

  await sql`
    CREATE TABLE ratings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      transaction_id uuid NOT NULL REFERENCES transactions (id),
      rater_id uuid NOT NULL REFERENCES users (id),
      ratee_id uuid NOT NULL REFERENCES users (id),
      score integer NOT NULL CHECK (score BETWEEN 1 AND 5),
      comment text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (transaction_id, rater_id)
    )`.execute(db);
  await sql`CREATE INDEX ratings_ratee_idx ON ratings (ratee_id)`.execute(db);

  // Webhook events received (id dedupe) and their processing state.
  await sql`
    CREATE TABLE stripe_events (
      id text PRIMARY KEY,
      type text NOT NULL,
      object_id text,
      received_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz
    )`.execute(db);

  // Double-entry ledger: one row per account with its running balance, entries that sum to zero per movement.
  await sql`
    CREATE TABLE ledger_accounts (
      code text PRIMARY KEY,
      balance_cents bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE ledger_entries (
      id bigserial PRIMARY KEY,
      movement_id uuid NOT NULL,
      movement_type text NOT NULL,
      transaction_id uuid REFERENCES transactions (id),
      account_code text NOT NULL REFERENCES ledger_accounts (code),
      amount_cents bigint NOT NULL CHECK (amount_cents <> 0),
      balance_before_cents bigint NOT NULL,
      balance_after_cents bigint NOT NULL,
      stripe_object_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (balance_after_cents = balance_before_cents + amount_cents)
    )`.execute(db);
  await sql`CREATE INDEX ledger_entries_tx_idx ON ledger_entries (transaction_id)`.execute(db);
  await sql`CREATE INDEX ledger_entries_movement_idx ON ledger_entries (movement_id)`.execute(db);
  // A Stripe object moves money once: the same movement type cannot be recorded twice for it.
  await sql`CREATE UNIQUE INDEX ledger_movement_once_idx ON ledger_entries (movement_type, stripe_object_id, account_code) WHERE stripe_object_id IS NOT NULL`.execute(db);

  for (const table of ['seller_accounts', 'disputes']) {
    await sql`CREATE TRIGGER ${sql.raw(`${table}_updated_at`)} BEFORE UPDATE ON ${sql.table(table)} FOR EACH ROW EXECUTE FUNCTION set_updated_at()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['ledger_entries', 'ledger_accounts', 'stripe_events', 'ratings', 'disputes', 'pickup_tokens', 'transaction_events', 'seller_accounts']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)} CASCADE`.execute(db);
  }
  await sql`
    ALTER TABLE transactions
      DROP CONSTRAINT IF EXISTS transactions_refund_bounded,
      DROP COLUMN IF EXISTS payment_intent_id, DROP COLUMN IF EXISTS charge_id, DROP COLUMN IF EXISTS paid_at,
      DROP COLUMN IF EXISTS transfer_id, DROP COLUMN IF EXISTS refunded_cents, DROP COLUMN IF EXISTS cancelled_at,
      DROP COLUMN IF EXISTS cancel_reason`.execute(db);
}
