import { sql, type Kysely } from 'kysely';

/**
 * Lookups the review added, each on a table that only grows:
 * - `stripe_events (object_id, type)`: a chargeback event asks whether the other event of the same
 *   dispute was processed (Stripe delivers them in any order);
 * - `disputes (opened_by)` and `meetups (proposed_by)`: a privacy export lists what the user opened or
 *   proposed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX stripe_events_object_idx ON stripe_events (object_id, type)`.execute(db);
  await sql`CREATE INDEX disputes_opened_by_idx ON disputes (opened_by) WHERE opened_by IS NOT NULL`.execute(db);
  await sql`CREATE INDEX meetups_proposed_by_idx ON meetups (proposed_by)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS meetups_proposed_by_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS disputes_opened_by_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS stripe_events_object_idx`.execute(db);
}
