import { sql, type Kysely } from 'kysely';

/** Push device tokens registered by the mobile apps; notification delivery state. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE devices (
      token text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      platform text NOT NULL CHECK (platform IN ('ios', 'android', 'web')),
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX devices_user_idx ON devices (user_id)`.execute(db);
  // Push/SMS delivery is done when this is set; a retried job re-sends only what is not delivered yet.
  await sql`ALTER TABLE notifications ADD COLUMN delivered_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE notifications DROP COLUMN IF EXISTS delivered_at`.execute(db);
  await sql`DROP TABLE IF EXISTS devices`.execute(db);
}
