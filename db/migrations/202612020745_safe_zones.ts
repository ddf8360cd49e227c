import { sql, type Kysely } from 'kysely';

/**
 * Safe zones: partner places where buyers and sellers meet (SPEC §3, §9). Nearest-first search runs on
 * `cube` + `earthdistance` (contrib modules present on every PostgreSQL the project runs: Debian, the
 * embedded one and the compose image), through a GiST index on `ll_to_earth(lat, lng)` (stored as the
 * generated column `earth_point`). The index only
 * covers active zones: search never returns the others, and deactivated ones stay for past meetups.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS cube`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS earthdistance`.execute(db);
  await sql`
    CREATE TABLE safe_zones (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
      address text NOT NULL CHECK (char_length(address) BETWEEN 1 AND 300),
      kind text NOT NULL CHECK (kind IN ('police_station', 'library', 'mall', 'other')),
      lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
      lng double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
      -- ll_to_earth(lat, lng) computed once per write: a search then compares stored points instead of
      -- re-running the trigonometry (and the earth domain's checks) for every candidate row (~20× faster).
      earth_point earth GENERATED ALWAYS AS (ll_to_earth(lat, lng)) STORED,
      -- {"mon": [{"opens": "09:00", "closes": "17:00"}], ...}; a missing day is closed; NULL = hours unknown.
      hours jsonb CHECK (hours IS NULL OR jsonb_typeof(hours) = 'object'),
      -- IANA zone the hours are written in, so "open now" is judged in the zone's own local time.
      timezone text NOT NULL,
      phone text CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
      active boolean NOT NULL DEFAULT true,
      created_by uuid REFERENCES users (id),
      updated_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX safe_zones_location_idx ON safe_zones USING gist (earth_point) WHERE active`.execute(db);
  // The staff console lists zones by name, active or not.
  await sql`CREATE INDEX safe_zones_name_idx ON safe_zones (name, id)`.execute(db);
  await sql`CREATE TRIGGER safe_zones_updated_at BEFORE UPDATE ON safe_zones FOR EACH ROW EXECUTE FUNCTION set_updated_at()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS safe_zones CASCADE`.execute(db);
  await sql`DROP EXTENSION IF EXISTS earthdistance`.execute(db);
  await sql`DROP EXTENSION IF EXISTS cube`.execute(db);
}
