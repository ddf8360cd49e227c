import { sql, type Kysely } from 'kysely';

/**
 * One active zone per place. A place is its name and address compared without case and with runs of
 * white space as one (`safe_zone_place(name, address)`), so importing the partner list again updates
 * its zones instead of adding a second copy of each, and two imports at once cannot both add one.
 *
 * Active zones that already share a place are reduced to the oldest of them; the others are
 * deactivated (they stay on their meetups, as DELETE leaves them) with an audit row naming the zone kept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION safe_zone_place(name text, address text) RETURNS text
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT lower(regexp_replace(btrim(name), '\\s+', ' ', 'g')) || E'\\n' || lower(regexp_replace(btrim(address), '\\s+', ' ', 'g')) $$`.execute(
    db,
  );
  await sql`
    WITH ranked AS (
      SELECT id, first_value(id) OVER same_place AS kept_id, row_number() OVER same_place AS rank
      FROM safe_zones
      WHERE active
      WINDOW same_place AS (PARTITION BY safe_zone_place(name, address) ORDER BY created_at, id)
    ),
    deactivated AS (
      UPDATE safe_zones z SET active = false FROM ranked r WHERE z.id = r.id AND r.rank > 1 RETURNING z.id, r.kept_id
    )
    INSERT INTO audit_log (action, target_type, target_id, details)
    SELECT 'safe_zone.deactivated', 'safe_zone', id::text, jsonb_build_object('reason', 'duplicate_place', 'keptZoneId', kept_id)
    FROM deactivated`.execute(db);
  await sql`CREATE UNIQUE INDEX safe_zones_active_place_idx ON safe_zones (safe_zone_place(name, address)) WHERE active`.execute(db);
  // An import finds the inactive zone of a place too, to reactivate it rather than add another.
  await sql`CREATE INDEX safe_zones_place_idx ON safe_zones (safe_zone_place(name, address))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS safe_zones_place_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS safe_zones_active_place_idx`.execute(db);
  await sql`DROP FUNCTION IF EXISTS safe_zone_place(text, text)`.execute(db);
}
