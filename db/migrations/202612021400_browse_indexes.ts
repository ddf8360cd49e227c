import { sql, type Kysely } from 'kysely';

/**
 * Browse at 100,000 listings (issue #14; plans in bench/results/browse-*-plans.txt, docs/BENCHMARKS.md):
 * - the category index ends with `id`, so "category, ending soon" is read in its full keyset order (no
 *   incremental sort; cursor pages start inside the index), and "category, newest" gets its own index
 *   instead of walking every live listing newest-first and discarding the other categories;
 * - the location index carries status and id, so "near a point" (which checks every listing in the
 *   box) is answered from the index alone: in a dense city that is thousands of heap rows not read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX listings_category_idx`.execute(db);
  await sql`CREATE INDEX listings_category_idx ON listings (category_slug, status, ends_at, id) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX listings_category_created_idx ON listings (category_slug, status, created_at DESC, id) WHERE deleted_at IS NULL`.execute(db);
  await sql`DROP INDEX listings_location_idx`.execute(db);
  await sql`CREATE INDEX listings_location_idx ON listings (location_lat, location_lng) INCLUDE (status, id) WHERE deleted_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX listings_location_idx`.execute(db);
  await sql`CREATE INDEX listings_location_idx ON listings (location_lat, location_lng) WHERE deleted_at IS NULL`.execute(db);
  await sql`DROP INDEX listings_category_created_idx`.execute(db);
  await sql`DROP INDEX listings_category_idx`.execute(db);
  await sql`CREATE INDEX listings_category_idx ON listings (category_slug, status, ends_at) WHERE deleted_at IS NULL`.execute(db);
}
