import { loadConfigOrExit } from '../src/config/config';
import { findSchemaDrift } from './schema-drift';

/** `npm run db:check-schema`: compares db/schema.ts with the migrated database at DATABASE_URL; exit 1 on any drift. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required for npm run db:check-schema');
  const drift = await findSchemaDrift(config.databaseUrl);
  for (const line of drift) console.log(line);
  console.log(drift.length ? `${drift.length} difference(s) between db/schema.ts and the database` : 'db/schema.ts matches the database');
  if (drift.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
