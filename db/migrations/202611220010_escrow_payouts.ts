import { sql, type Kysely } from 'kysely';

/**
 * Escrow payouts: the Stripe ids of a transaction's refund and transfer reversal (stored with a
 * conditional update, so each moves money once), and a payout waiting for the seller's Connect
 * account (re-queued by `account.updated`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE transactions
      ADD COLUMN refund_id text UNIQUE,
      ADD COLUMN reversal_id text UNIQUE,
      ADD COLUMN payout_waiting_reason text CHECK (payout_waiting_reason IN ('qr_verified', 'dispute_resolved')),
      ADD COLUMN payout_waiting_since timestamptz`.execute(db);
  await sql`CREATE INDEX transactions_payout_waiting_idx ON transactions (seller_id) WHERE payout_waiting_reason IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS transactions_payout_waiting_idx`.execute(db);
  await sql`
    ALTER TABLE transactions
      DROP COLUMN IF EXISTS refund_id, DROP COLUMN IF EXISTS reversal_id,
      DROP COLUMN IF EXISTS payout_waiting_reason, DROP COLUMN IF EXISTS payout_waiting_since`.execute(db);
}
