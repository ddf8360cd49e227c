import { sql, type Kysely } from 'kysely';

/**
 * Meetups (SPEC §9): where and when the parties of a funded transaction meet for the handover. A new
 * proposal supersedes the previous one, so a transaction has at most one current meetup (a partial
 * unique index), while superseded ones stay for the timeline. The scanning phone's position at the QR
 * handover is kept on the transaction, with its distance from the accepted meetup's zone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE meetups (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      transaction_id uuid NOT NULL REFERENCES transactions (id),
      -- A zone deactivated later stays on its past meetups (SPEC §9: DELETE deactivates).
      safe_zone_id uuid NOT NULL REFERENCES safe_zones (id),
      starts_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'superseded')),
      proposed_by uuid NOT NULL REFERENCES users (id),
      accepted_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'accepted') = (accepted_at IS NOT NULL) OR status = 'superseded')
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX meetups_current_idx ON meetups (transaction_id) WHERE status <> 'superseded'`.execute(db);
  await sql`CREATE INDEX meetups_transaction_idx ON meetups (transaction_id, created_at)`.execute(db);
  await sql`CREATE TRIGGER meetups_updated_at BEFORE UPDATE ON meetups FOR EACH ROW EXECUTE FUNCTION set_updated_at()`.execute(db);
  await sql`
    ALTER TABLE transactions
      ADD COLUMN handover_lat double precision CHECK (handover_lat BETWEEN -90 AND 90),
      ADD COLUMN handover_lng double precision CHECK (handover_lng BETWEEN -180 AND 180),
      ADD COLUMN handover_distance_m integer CHECK (handover_distance_m >= 0),
      ADD COLUMN handover_flagged boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE transactions
      DROP COLUMN IF EXISTS handover_lat,
      DROP COLUMN IF EXISTS handover_lng,
      DROP COLUMN IF EXISTS handover_distance_m,
      DROP COLUMN IF EXISTS handover_flagged`.execute(db);
  await sql`DROP TABLE IF EXISTS meetups`.execute(db);
}
