import { sql, type Kysely } from 'kysely';

/**
 * The session (refresh family) a push token was registered under, so that signing out on a phone stops
 * its pushes: a shared or handed-on phone kept showing the previous user's outbid and payment notices
 * when the app did not unregister the token itself. Tokens registered before this have no session and
 * stay until unregistered or moved.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE devices ADD COLUMN session_id uuid`.execute(db);
  await sql`CREATE INDEX devices_session_idx ON devices (session_id) WHERE session_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS devices_session_idx`.execute(db);
  await sql`ALTER TABLE devices DROP COLUMN IF EXISTS session_id`.execute(db);
}
