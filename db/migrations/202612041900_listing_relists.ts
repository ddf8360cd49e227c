import { sql, type Kysely } from 'kysely';

/**
 * A relist (SPEC §9, after a non-payment) remembers the listing it copies, and a listing has at most
 * one live relist: sending POST …/relist twice, or twice at once, made a draft each time. A relist the
 * seller deleted no longer counts, so they can relist again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE listings ADD COLUMN relisted_from uuid REFERENCES listings (id)`.execute(db);
  await sql`CREATE UNIQUE INDEX listings_one_live_relist ON listings (relisted_from) WHERE relisted_from IS NOT NULL AND deleted_at IS NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX listings_one_live_relist`.execute(db);
  await sql`ALTER TABLE listings DROP COLUMN relisted_from`.execute(db);
}
