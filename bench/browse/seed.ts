import { sql } from 'kysely';
import type { Db } from '../../db/connection';
import { CATEGORY_SLUGS, CATEGORIES, listingText, pick, pointMaker, prng } from './catalogue';

const BATCH = 10_000;
const DAY = 86_400_000;
const CONDITIONS = ['new', 'like_new', 'good', 'good', 'fair', 'poor'];

/** Column arrays for one `INSERT … SELECT FROM unnest(…)` (one statement per 10,000 listings). */
interface Columns {
  sellerId: string[];
  title: string[];
  description: string[];
  category: string[];
  condition: string[];
  auctionType: string[];
  startingPrice: number[];
  buyNowPrice: Array<number | null>;
  status: string[];
  startsAt: Array<string | null>;
  endsAt: Array<string | null>;
  lat: Array<number | null>;
  lng: Array<number | null>;
  place: Array<string | null>;
  currentPrice: number[];
  bidCount: number[];
  leaderId: Array<string | null>;
  leaderMax: Array<number | null>;
  createdAt: string[];
  endedAt: Array<string | null>;
  cancelledAt: Array<string | null>;
  deletedAt: Array<string | null>;
}

const emptyColumns = (): Columns => ({
  sellerId: [], title: [], description: [], category: [], condition: [], auctionType: [], startingPrice: [], buyNowPrice: [],
  status: [], startsAt: [], endsAt: [], lat: [], lng: [], place: [], currentPrice: [], bidCount: [], leaderId: [], leaderMax: [],
  createdAt: [], endedAt: [], cancelledAt: [], deletedAt: [],
});

/** 78 % live, 12 % ended, 5 % scheduled, 4 % drafts, 1 % cancelled — what a marketplace holds at any time. */
function statusOf(r: number): string {
  if (r < 0.78) return 'active';
  if (r < 0.9) return 'ended';
  if (r < 0.95) return 'scheduled';
  if (r < 0.99) return 'draft';
  return 'cancelled';
}

function addListing(cols: Columns, random: () => number, now: number, sellers: string[], bidders: string[], point: ReturnType<typeof pointMaker>): void {
  const slug = pick(random, CATEGORY_SLUGS);
  const [lo, hi] = CATEGORIES[slug].dollars;
  // Log-uniform in the category's range: many cheap things, a few expensive ones.
  const starting = Math.max(1, Math.round(lo * Math.pow(hi / lo, random()))) * 100;
  const auctionType = random() < 0.8 ? 'auction' : 'both';
  let status = statusOf(random());
  let startsAt: number | null = null;
  let endsAt: number | null = null;
  if (status === 'active') {
    startsAt = now - random() * 7 * DAY;
    endsAt = now + 10 * 60_000 + random() * 7 * DAY;
  } else if (status === 'ended' || status === 'cancelled') {
    startsAt = now - (8 + random() * 30) * DAY;
    endsAt = startsAt + (1 + random() * 6) * DAY;
  } else if (status === 'scheduled') {
    startsAt = now + (1 / 24 + random() * 3) * DAY;
    endsAt = startsAt + (1 + random() * 6) * DAY;
  }
  const hasBids = (status === 'active' || status === 'ended') && random() < 0.45;
  const bidCount = hasBids ? 1 + Math.floor(-Math.log(1 - random()) * 5) : 0;
  const current = hasBids ? starting + bidCount * Math.max(100, Math.round(starting * 0.05 / 100) * 100) : starting;
  if (status === 'ended') status = hasBids ? 'ended_sold' : 'ended_unsold';
  const located = random() < 0.95 ? point() : null;
  const { title, description } = listingText(random, slug);
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  cols.sellerId.push(pick(random, sellers));
  cols.title.push(title);
  cols.description.push(description);
  cols.category.push(slug);
  cols.condition.push(pick(random, CONDITIONS));
  cols.auctionType.push(auctionType);
  cols.startingPrice.push(starting);
  cols.buyNowPrice.push(auctionType === 'both' ? starting * 3 : null);
  cols.status.push(status);
  cols.startsAt.push(iso(startsAt));
  cols.endsAt.push(iso(endsAt));
  cols.lat.push(located?.lat ?? null);
  cols.lng.push(located?.lng ?? null);
  cols.place.push(located?.name ?? null);
  cols.currentPrice.push(current);
  cols.bidCount.push(bidCount);
  cols.leaderId.push(hasBids ? pick(random, bidders) : null);
  cols.leaderMax.push(hasBids ? current + 500 : null);
  cols.createdAt.push(iso((startsAt ?? now) - random() * DAY)!);
  cols.endedAt.push(status.startsWith('ended_') ? iso(endsAt) : null);
  cols.cancelledAt.push(status === 'cancelled' ? iso(startsAt! + DAY) : null);
  cols.deletedAt.push(random() < 0.005 ? iso(now - DAY) : null);
}

async function insertBatch(db: Db, c: Columns): Promise<void> {
  await sql`
    INSERT INTO listings (seller_id, title, description, category_slug, condition, auction_type, starting_price_cents,
      buy_now_price_cents, status, starts_at, ends_at, location_lat, location_lng, location_name, current_price_cents,
      bid_count, leader_id, leader_max_cents, leader_seq, next_bid_seq, reserve_met, created_at, updated_at,
      ended_at, cancelled_at, deleted_at, winner_id)
    SELECT s, t, d, cat, cond, at, sp, bn, st, sa, ea, la, ln, pl, cp, bc, li, lm,
      CASE WHEN bc > 0 THEN bc END, bc + 1, true, ca, ca, en, cn, de, CASE WHEN st = 'ended_sold' THEN li END
    FROM unnest(${c.sellerId}::uuid[], ${c.title}::text[], ${c.description}::text[], ${c.category}::text[],
      ${c.condition}::text[], ${c.auctionType}::text[], ${c.startingPrice}::int[], ${c.buyNowPrice}::int[],
      ${c.status}::text[], ${c.startsAt}::timestamptz[], ${c.endsAt}::timestamptz[], ${c.lat}::float8[],
      ${c.lng}::float8[], ${c.place}::text[], ${c.currentPrice}::int[], ${c.bidCount}::int[], ${c.leaderId}::uuid[],
      ${c.leaderMax}::int[], ${c.createdAt}::timestamptz[], ${c.endedAt}::timestamptz[], ${c.cancelledAt}::timestamptz[],
      ${c.deletedAt}::timestamptz[])
      AS u(s, t, d, cat, cond, at, sp, bn, st, sa, ea, la, ln, pl, cp, bc, li, lm, ca, en, cn, de)`.execute(db);
}

/**
 * Seeds `count` listings (seeded PRNG: the same catalogue every run) with 3,000 sellers and 2,000
 * bidders, the leaders' public aliases, one or two images per published listing, then VACUUM ANALYZE.
 * Answers the bidders' ids (the benchmark signs some of them in).
 */
export async function seedCatalogue(db: Db, count: number): Promise<{ bidderIds: string[] }> {
  const users = await sql<{ id: string }>`
    INSERT INTO users (phone_number, phone_verified_at, display_name)
    SELECT '+1555' || lpad(g::text, 7, '0'), now(), 'User ' || g FROM generate_series(1, 5000) g
    RETURNING id`.execute(db);
  const ids = users.rows.map((r) => r.id);
  const sellers = ids.slice(0, 3000);
  const bidders = ids.slice(3000);
  const random = prng(20261202);
  const point = pointMaker(random);
  const now = Date.now();
  for (let done = 0; done < count; done += BATCH) {
    const cols = emptyColumns();
    for (let i = 0; i < Math.min(BATCH, count - done); i += 1) addListing(cols, random, now, sellers, bidders, point);
    await insertBatch(db, cols);
  }
  await sql`
    INSERT INTO listing_bidders (listing_id, bidder_id, alias, last_bid_at)
    SELECT id, leader_id, 'Bidder ' || (1 + abs(hashtext(leader_id::text)) % 900), now() FROM listings WHERE leader_id IS NOT NULL`.execute(db);
  await sql`
    INSERT INTO listing_images (listing_id, storage_key, url, content_type, size_bytes, position)
    SELECT l.id, 'listings/' || l.id || '/' || p || '.jpg', 'https://cdn.biddt.example/listings/' || l.id || '/' || p || '.jpg',
      'image/jpeg', 120000 + p * 1000, p
    FROM listings l CROSS JOIN generate_series(0, 1) p
    WHERE l.status <> 'draft' AND (p = 0 OR hashtext(l.id::text) % 2 = 0)`.execute(db);
  await sql`VACUUM ANALYZE`.execute(db);
  return { bidderIds: bidders };
}

/** The bidders of a catalogue cloned from a seeded template (the ids `seedCatalogue` answered), after ANALYZE. */
export async function catalogueOf(db: Db): Promise<{ bidderIds: string[] }> {
  await sql`VACUUM ANALYZE`.execute(db);
  const { rows } = await sql<{ id: string }>`SELECT id FROM users ORDER BY phone_number OFFSET 3000`.execute(db);
  return { bidderIds: rows.map((r) => r.id) };
}
