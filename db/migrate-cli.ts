import { loadConfigOrExit } from '../src/config/config';
import { createDb } from './connection';
import { migrateDown, migrateToLatest } from './migrate';

/** `npm run migrate` (up to latest) or `npm run migrate -- down` (one step back). */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required for npm run migrate');
  const db = createDb(config.databaseUrl, 1);
  try {
    const names = process.argv[2] === 'down' ? await migrateDown(db) : await migrateToLatest(db);
    console.log(names.length ? `applied: ${names.join(', ')}` : 'nothing to do');
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
