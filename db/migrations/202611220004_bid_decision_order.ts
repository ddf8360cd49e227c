import { sql, type Kysely } from 'kysely';

/**
 * The order in which bid commands were decided. `decided_at` is the deciding transaction's start
 * time (shared by a whole batch, and not commit order across transactions), so it cannot replay a
 * listing's commands. A sequence value taken on insert can: a listing's commands are decided under
 * its row lock, so a later transaction only inserts after the earlier one committed, and a batch
 * inserts its outcomes in decision order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE bid_requests ADD COLUMN decision_seq bigserial NOT NULL`.execute(db);
  await sql`CREATE INDEX bid_requests_listing_decision_idx ON bid_requests (listing_id, decision_seq)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS bid_requests_listing_decision_idx`.execute(db);
  await sql`ALTER TABLE bid_requests DROP COLUMN IF EXISTS decision_seq`.execute(db);
}
