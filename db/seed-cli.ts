import { loadConfigOrExit } from '../src/config/config';
import { createDb } from './connection';
import { seedDemo } from './seed';

/** `npm run seed`: demo users, listings and safe zones (development only; close jobs come from the sweep). */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.devConveniences) throw new Error('npm run seed is for development databases only');
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required for npm run seed');
  const db = createDb(config.databaseUrl, 1);
  try {
    const { listings, safeZones } = await seedDemo(db);
    console.log(listings ? `seeded ${listings} demo listings` : 'demo listings already present');
    console.log(safeZones ? `seeded ${safeZones} demo safe zones` : 'demo safe zones already present');
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
