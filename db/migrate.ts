import { Migrator, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
type AnyDb = Kysely<any>;
import { migrations } from './migrations';

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: AnyDb): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(error)}`, { cause: error });
  return (results ?? []).map((r) => r.migrationName);
}

/** Rolls back the latest migration (used by `npm run migrate -- down`). */
export async function migrateDown(db: AnyDb): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateDown();
  if (error) throw error;
  return (results ?? []).map((r) => r.migrationName);
}
