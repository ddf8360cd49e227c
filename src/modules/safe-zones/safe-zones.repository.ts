import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Database, SafeZonesTable } from '../../../db/schema';

export type SafeZone = Selectable<SafeZonesTable>;
export type NewSafeZone = Insertable<SafeZonesTable>;
export type SafeZonePatch = Updateable<SafeZonesTable>;

/** A zone found near a point: `sortKey` is the exact distance the keyset cursor continues from. */
export type NearbySafeZone = SafeZone & { distanceKm: number; sortKey: number };

export interface NearSearch {
  lat: number;
  lng: number;
  radiusKm: number;
  limit: number;
  /** Continue after this zone (its `sortKey` and id) from the previous page. */
  after?: { sortKey: number; id: string };
}

export interface AdminFilter {
  active?: boolean;
  q?: string;
  limit: number;
  after?: { name: string; id: string };
}

// Same radius as the listings' haversine, so a zone and a listing at the same place are the same km away.
const EARTH_RADIUS_KM = 6371.0088;
// Postgres parameter limit is 65,535; 1,000 rows of ~11 columns stays well inside it.
const INSERT_CHUNK = 1000;

// The stored ll_to_earth(lat, lng) (a generated column), which the partial GiST index covers.
const point = sql`earth_point`;

/**
 * The search statement (exported for the query-plan test and the benchmark's EXPLAIN). Zones are points
 * on earthdistance's sphere (radius `earth()` metres): the GiST index answers the `earth_box` containment
 * and also hands rows out nearest first by straight-line (chord) distance `<->`, which orders exactly as
 * the great-circle distance does — so PostgreSQL reads about a page of rows instead of every zone in the
 * box. The chord is the keyset sort key; `distanceKm` is the great-circle distance on our 6371.0088 km
 * sphere (same angle). `active` is written literally so the planner matches the index's `WHERE active`.
 */
export function searchNearQuery(db: Kysely<Database>, s: NearSearch) {
  const origin = sql`ll_to_earth(${s.lat}::float8, ${s.lng}::float8)`;
  const angle = sql`(${s.radiusKm}::float8 / ${EARTH_RADIUS_KM}::float8)`;
  const chord = sql<number>`(${point} <-> ${origin})`;
  return db
    .selectFrom('safeZones')
    .selectAll()
    .select([chord.as('sortKey'), sql<number>`2 * asin(least(1, ${chord} / (2 * earth()))) * ${EARTH_RADIUS_KM}::float8`.as('distanceKm')])
    .where(sql<boolean>`active`)
    .where(sql<boolean>`earth_box(${origin}, ${angle} * earth()) @> ${point}`)
    .where(sql<boolean>`${chord} <= 2 * earth() * sin(${angle} / 2)`)
    .$if(s.after !== undefined, (q) => q.where(sql<boolean>`(${chord}, id) > (${s.after!.sortKey}::float8, ${s.after!.id}::uuid)`))
    .orderBy(chord)
    .orderBy('id')
    .limit(s.limit);
}

/** The only Kysely code for `safe_zones`. Takes a Kysely or a transaction. */
export const safeZonesRepository = {
  /** Active zones within `radiusKm` of a point, nearest first (ties by id). */
  async searchNear(db: Kysely<Database>, s: NearSearch): Promise<NearbySafeZone[]> {
    return searchNearQuery(db, s).execute();
  },

  async findById(db: Kysely<Database>, id: string): Promise<SafeZone | undefined> {
    return db.selectFrom('safeZones').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Every zone, active or not, by name then id (the staff console's list); `q`: each word in the name or the address. */
  async listForStaff(db: Kysely<Database>, f: AdminFilter): Promise<SafeZone[]> {
    const words = (f.q ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    return db
      .selectFrom('safeZones')
      .selectAll()
      .$if(f.active !== undefined, (q) => q.where('active', '=', f.active!))
      .$if(words.length > 0, (q) => q.where((eb) => eb.and(words.map((w) => eb.or([eb('name', 'ilike', w), eb('address', 'ilike', w)])))))
      .$if(f.after !== undefined, (q) => q.where(sql<boolean>`(name, id) > (${f.after!.name}, ${f.after!.id}::uuid)`))
      .orderBy('name')
      .orderBy('id')
      .limit(f.limit)
      .execute();
  },

  async insert(db: Kysely<Database>, zone: NewSafeZone): Promise<SafeZone> {
    return db.insertInto('safeZones').values(zone).returningAll().executeTakeFirstOrThrow();
  },

  /** Inserts in chunks (one statement per 1,000 rows); run inside a transaction for all-or-nothing. */
  async insertMany(db: Kysely<Database>, zones: NewSafeZone[]): Promise<SafeZone[]> {
    const created: SafeZone[] = [];
    for (let i = 0; i < zones.length; i += INSERT_CHUNK) {
      created.push(
        ...(await db
          .insertInto('safeZones')
          .values(zones.slice(i, i + INSERT_CHUNK))
          .returningAll()
          .execute()),
      );
    }
    return created;
  },

  /** The row as it was, locked for the update that follows (so the audited "before" is exact). */
  async lockById(db: Kysely<Database>, id: string): Promise<SafeZone | undefined> {
    return db.selectFrom('safeZones').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  },

  /**
   * The row under a share lock: a meetup decided under it (proposed, accepted) waits for a deactivation
   * in progress and sees its outcome, and a deactivation waits for it (and then sees that meetup).
   */
  async findByIdForShare(db: Kysely<Database>, id: string): Promise<SafeZone | undefined> {
    return db.selectFrom('safeZones').selectAll().where('id', '=', id).forShare().executeTakeFirst();
  },

  async update(db: Kysely<Database>, id: string, patch: SafeZonePatch): Promise<SafeZone> {
    return db.updateTable('safeZones').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },

  /**
   * Serializes every write that could give two active zones one place (imports, creates, renames,
   * reactivations): each checks for the place's active zone after taking it. Take it before any row lock.
   */
  async lockPlaces(trx: Kysely<Database>): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtext('safe-zones:places'))`.execute(trx);
  },

  /** The place (`safe_zone_place`: name and address without case or extra white space) of each pair, in order. */
  async placesOf(db: Kysely<Database>, zones: ReadonlyArray<{ name: string; address: string }>): Promise<string[]> {
    const { rows } = await sql<{ place: string }>`
      SELECT safe_zone_place(name, address) AS place
      FROM unnest(${zones.map((z) => z.name)}::text[], ${zones.map((z) => z.address)}::text[]) WITH ORDINALITY AS t(name, address, n)
      ORDER BY n`.execute(db);
    return rows.map((r) => r.place);
  },

  /** Every zone at one of `places`, active or not, with its place; active first, then the latest changed. */
  async findAtPlaces(db: Kysely<Database>, places: string[]): Promise<Array<SafeZone & { place: string }>> {
    if (places.length === 0) return [];
    return db
      .selectFrom('safeZones')
      .selectAll()
      .select(sql<string>`safe_zone_place(name, address)`.as('place'))
      .where(sql<boolean>`safe_zone_place(name, address) = ANY(${places}::text[])`)
      .orderBy('active', 'desc')
      .orderBy('updatedAt', 'desc')
      .execute();
  },

  /** The active zone at the place of `name` and `address`, other than `exceptId`. */
  async activeAtPlace(db: Kysely<Database>, name: string, address: string, exceptId?: string): Promise<SafeZone | undefined> {
    return db
      .selectFrom('safeZones')
      .selectAll()
      .where(sql<boolean>`active`)
      .where(sql<boolean>`safe_zone_place(name, address) = safe_zone_place(${name}, ${address})`)
      .$if(exceptId !== undefined, (q) => q.where('id', '<>', exceptId!))
      .executeTakeFirst();
  },

  /** Names already present among `names` (the demo seed skips those, so running it twice adds nothing). */
  async existingNames(db: Kysely<Database>, names: string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const rows = await db.selectFrom('safeZones').select('name').where('name', 'in', names).execute();
    return new Set(rows.map((r) => r.name));
  },
};
