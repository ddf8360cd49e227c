import { sql, type Kysely } from 'kysely';

/**
 * Bids answered 202 (received, not decided within the wait): a durable copy of the command with its
 * receipt stamp, so a command Redis lost (FLUSHALL, a restart without data) is re-driven by the bid
 * sweep instead of never being decided. A row is removed once the command's outcome is stored.
 * No foreign keys: checking one would take a share lock on the listing row, and the 202 answer would
 * wait behind the bid batch that holds that row (or any other holder of its lock).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE undecided_bids (
      request_id text PRIMARY KEY,
      listing_id uuid NOT NULL,
      bidder_id uuid NOT NULL,
      max_amount_cents integer NOT NULL CHECK (max_amount_cents > 0),
      received_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE undecided_bids`.execute(db);
}
