import { sql, type Kysely } from 'kysely';

/**
 * A user's choices of channel per notification type (SPEC §9). Only choices that differ from the
 * default are meaningful, but a saved choice is kept either way; no row means the channel is on.
 * The in-app row has no switch: it is always written.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE notification_preferences (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      type text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('push', 'sms')),
      enabled boolean NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, type, channel)
    )`.execute(db);
  // The devices a notification's push reached: a retried job pushes only to the others.
  await sql`
    CREATE TABLE notification_deliveries (
      notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
      device_token text NOT NULL,
      delivered_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (notification_id, device_token)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS notification_deliveries`.execute(db);
  await sql`DROP TABLE IF EXISTS notification_preferences`.execute(db);
}
