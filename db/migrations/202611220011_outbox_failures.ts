import { sql, type Kysely } from 'kysely';

/**
 * Outbox dead letters: a row the relay cannot turn into a job or event (its payload breaks the job
 * catalogue) is marked failed with the reason, kept for inspection, and no longer scanned.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE outbox ADD COLUMN failed_at timestamptz, ADD COLUMN error text`.execute(db);
  await sql`DROP INDEX outbox_pending_idx`.execute(db);
  await sql`CREATE INDEX outbox_pending_idx ON outbox (id) WHERE published_at IS NULL AND failed_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX outbox_pending_idx`.execute(db);
  await sql`CREATE INDEX outbox_pending_idx ON outbox (id) WHERE published_at IS NULL`.execute(db);
  await sql`ALTER TABLE outbox DROP COLUMN failed_at, DROP COLUMN error`.execute(db);
}
