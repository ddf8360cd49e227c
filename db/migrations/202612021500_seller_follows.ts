import { sql, type Kysely } from 'kysely';

/**
 * Follows (SPEC §9): a user follows a seller and hears when the seller publishes. The primary key makes
 * following idempotent; the seller-side index serves the publish fan-out, read in follower-id batches.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE follows (
      follower_id uuid NOT NULL REFERENCES users (id),
      seller_id uuid NOT NULL REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (follower_id, seller_id),
      CHECK (follower_id <> seller_id)
    )`.execute(db);
  await sql`CREATE INDEX follows_seller_idx ON follows (seller_id, follower_id)`.execute(db);
  await sql`CREATE INDEX follows_follower_recent_idx ON follows (follower_id, created_at DESC, seller_id DESC)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE follows`.execute(db);
}
