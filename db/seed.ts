import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadSafeZonesCsv } from '../src/modules/safe-zones';
import type { Db } from './connection';

/** Demo safe zones around Toronto, Montréal and Vancouver: fictional, every name starts with "Demo zone". */
export const DEMO_SAFE_ZONES_CSV = join(__dirname, 'seed-data', 'safe-zones-demo.csv');

const DEMO_SELLER = '+15555550100';
const DEMO_BUYER = '+15555550101';

const ITEMS = [
  { title: 'Trek FX 3 hybrid bike', categorySlug: 'bikes', condition: 'good', startingPriceCents: 25000, buyNowPriceCents: 60000, hours: 2 },
  { title: 'iPhone 14, 128 GB, unlocked', categorySlug: 'phones', condition: 'like_new', startingPriceCents: 40000, buyNowPriceCents: null, hours: 6 },
  { title: 'IKEA Poäng armchair', categorySlug: 'furniture', condition: 'fair', startingPriceCents: 2500, buyNowPriceCents: 6000, hours: 1 },
  { title: 'Nintendo Switch OLED with two games', categorySlug: 'gaming', condition: 'good', startingPriceCents: 20000, buyNowPriceCents: null, hours: 24 },
  { title: 'DeWalt 20V drill kit', categorySlug: 'tools', condition: 'like_new', startingPriceCents: 8000, buyNowPriceCents: 15000, hours: 12 },
] as const;

/**
 * Demo data for development: two users with the dev test phones, a handful of live auctions in Montréal
 * and the demo safe zones. Idempotent: what is already there is not added again.
 */
export async function seedDemo(db: Db): Promise<{ listings: number; safeZones: number }> {
  const { created: safeZones } = await loadSafeZonesCsv(db, readFileSync(DEMO_SAFE_ZONES_CSV, 'utf8'));
  return { listings: await seedListings(db), safeZones };
}

async function seedListings(db: Db): Promise<number> {
  const users = await Promise.all(
    [
      [DEMO_SELLER, 'Sophie (demo seller)'],
      [DEMO_BUYER, 'Bruno (demo buyer)'],
    ].map(async ([phoneNumber, displayName]) => {
      const existing = await db.selectFrom('users').select('id').where('phoneNumber', '=', phoneNumber).where('deletedAt', 'is', null).executeTakeFirst();
      if (existing) return existing.id;
      const row = await db.insertInto('users').values({ phoneNumber, displayName, phoneVerifiedAt: sql<Date>`now()` }).returning('id').executeTakeFirstOrThrow();
      return row.id;
    }),
  );
  const sellerId = users[0];
  const already = await db.selectFrom('listings').select('id').where('sellerId', '=', sellerId).limit(1).executeTakeFirst();
  if (already) return 0;
  await db
    .insertInto('listings')
    .values(
      ITEMS.map((item, i) => ({
        sellerId,
        title: item.title,
        description: `${item.title}. Pick-up at a Biddt safe zone.`,
        categorySlug: item.categorySlug,
        condition: item.condition,
        auctionType: item.buyNowPriceCents ? ('both' as const) : ('auction' as const),
        startingPriceCents: item.startingPriceCents,
        buyNowPriceCents: item.buyNowPriceCents,
        status: 'active' as const,
        startsAt: sql<Date>`now()`,
        endsAt: sql<Date>`now() + make_interval(hours => ${item.hours})`,
        currentPriceCents: item.startingPriceCents,
        locationLat: 45.5019 + i * 0.01,
        locationLng: -73.5674 - i * 0.01,
        locationName: 'Montréal, QC',
      })),
    )
    .execute();
  return ITEMS.length;
}
