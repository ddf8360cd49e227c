import { sql, type Kysely } from 'kysely';

/**
 * Second-chance offers (SPEC §9). After a non-payment the seller may offer the item to the runner-up at
 * the runner-up's own maximum; an accepted offer is a new sale of the same listing. So "one transaction
 * per listing" becomes "one transaction per listing that is not cancelled" (a partial unique index): a
 * listing may have a cancelled sale and then a real one, never two live ones.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE transactions DROP CONSTRAINT transactions_listing_id_key`.execute(db);
  await sql`CREATE UNIQUE INDEX transactions_listing_live_key ON transactions (listing_id) WHERE status <> 'cancelled'`.execute(db);
  await sql`CREATE INDEX transactions_listing_idx ON transactions (listing_id, created_at DESC)`.execute(db);
  await sql`ALTER TABLE transactions DROP CONSTRAINT transactions_source_check`.execute(db);
  await sql`ALTER TABLE transactions ADD CONSTRAINT transactions_source_check CHECK (source IN ('auction', 'buy_now', 'second_chance'))`.execute(db);
  await sql`
    CREATE TABLE second_chance_offers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      listing_id uuid NOT NULL REFERENCES listings (id),
      -- One offer per unpaid sale: offering twice is a conflict, not a second offer.
      unpaid_transaction_id uuid NOT NULL UNIQUE REFERENCES transactions (id),
      seller_id uuid NOT NULL REFERENCES users (id),
      bidder_id uuid NOT NULL REFERENCES users (id),
      amount_cents integer NOT NULL CHECK (amount_cents > 0),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'expired')),
      expires_at timestamptz NOT NULL,
      decided_at timestamptz,
      transaction_id uuid UNIQUE REFERENCES transactions (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (bidder_id <> seller_id)
    )`.execute(db);
  await sql`CREATE INDEX second_chance_offers_listing_idx ON second_chance_offers (listing_id)`.execute(db);
  await sql`CREATE INDEX second_chance_offers_bidder_idx ON second_chance_offers (bidder_id, created_at DESC)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE second_chance_offers`.execute(db);
  await sql`ALTER TABLE transactions DROP CONSTRAINT transactions_source_check`.execute(db);
  await sql`ALTER TABLE transactions ADD CONSTRAINT transactions_source_check CHECK (source IN ('auction', 'buy_now'))`.execute(db);
  await sql`DROP INDEX transactions_listing_idx`.execute(db);
  await sql`DROP INDEX transactions_listing_live_key`.execute(db);
  await sql`ALTER TABLE transactions ADD CONSTRAINT transactions_listing_id_key UNIQUE (listing_id)`.execute(db);
}
