import { sql, type Kysely } from 'kysely';

/**
 * `second_chance_offers (seller_id)`: account deletion asks whether the seller has an offer still
 * pending, and a privacy export lists the offers a user made; both read by seller on a table that
 * only grows (the bidder side already has `second_chance_offers_bidder_idx`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX second_chance_offers_seller_idx ON second_chance_offers (seller_id, status)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS second_chance_offers_seller_idx`.execute(db);
}
