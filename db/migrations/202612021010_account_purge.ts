import { sql, type Kysely } from 'kysely';

/**
 * Account deletion (SPEC §4, §9): a deleted account is restorable for 30 days, then purged. `purged_at`
 * marks the purge done (so the job is idempotent and a purged account is never restored); the partial
 * index serves the purge job's "deleted long enough, not yet purged" scan.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN purged_at timestamptz`.execute(db);
  await sql`CREATE INDEX users_purge_due_idx ON users (deleted_at, id) WHERE deleted_at IS NOT NULL AND purged_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX users_purge_due_idx`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN purged_at`.execute(db);
}
