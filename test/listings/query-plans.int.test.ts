import { sql } from 'kysely';
import { browseQuery, type BrowseFilter } from '../../src/modules/listings/browse.repository';
import { createTestEnv, createUser, type TestEnv } from '../support/harness';
import { listingEnv } from './support';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

let env: TestEnv;
const ROWS = 20_000;

beforeAll(async () => {
  env = await createTestEnv(listingEnv());
  const seller = await createUser(env.deps);
  // One statement: 20k listings spread over statuses, categories, words, prices, places and end times.
  await sql`
    INSERT INTO listings (seller_id, title, description, category_slug, condition, auction_type, starting_price_cents,
                          current_price_cents, status, starts_at, ends_at, location_lat, location_lng, location_name, created_at)
    SELECT ${seller.id}::uuid,
           'Item ' || g || ' ' || (ARRAY['bike','guitar','laptop','sofa','camera','skates','drill','lamp','phone','desk'])[1 + g % 10]
             || ' ' || (ARRAY['vintage','mint','used','classic','modern','rare','compact','large'])[1 + (g / 10) % 8],
           'Seeded listing number ' || g,
           (ARRAY['electronics','phones','computers','gaming','home','furniture','appliances','fashion','sports','bikes',
                  'tools','toys','music','books','collectibles','auto-parts','other'])[1 + (g * 7) % 17],
           (ARRAY['new','like_new','good','fair','poor'])[1 + g % 5],
           'auction',
           500 + (g * 37) % 100000,
           500 + (g * 37) % 100000,
           (ARRAY['active','active','active','active','active','active','active','active','active','active','active','active',
                  'scheduled','scheduled','ended_sold','ended_sold','ended_unsold','ended_unsold','ended_unsold','draft'])[1 + g % 20],
           now() - interval '1 day',
           now() + (g % 10000) * interval '1 minute',
           43.0 + ((g * 7919) % 1000) * 0.01,
           -125.0 + ((g * 104729) % 6500) * 0.01,
           'Somewhere',
           now() - g * interval '1 minute'
    FROM generate_series(1, ${ROWS}) AS g`.execute(env.deps.db);
  // VACUUM too, as autovacuum would: it also flushes the GIN index's pending list, which a bulk insert
  // fills and which makes the planner price the full-text index as if it were a scan of that list.
  await sql`VACUUM ANALYZE listings`.execute(env.deps.db);
}, 60_000);
afterAll(() => env.close());

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function planOf(filter: Partial<BrowseFilter>): Promise<PlanNode[]> {
  const full: BrowseFilter = { statuses: ['active'], sort: 'ending_soon', limit: 20, ...filter };
  const [row] = await browseQuery(env.deps.db, full).explain('json');
  const [document] = Object.values(row) as Array<Array<{ Plan: PlanNode }>>;
  return nodes(document[0].Plan);
}

const seqScansOnListings = (plan: PlanNode[]) => plan.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'listings');
const indexesUsed = (plan: PlanNode[]) => plan.map((n) => n['Index Name']).filter(Boolean);

describe(`browse query plans over ${ROWS} listings`, () => {
  it.each<[string, Partial<BrowseFilter>, string]>([
    ['default browse (active, ending soon)', {}, 'listings_status_ends_idx'],
    ['the next page of the default browse', { after: { key: new Date(Date.now() + 3600_000).toISOString(), id: '00000000-0000-0000-0000-000000000000' } }, 'listings_status_ends_idx'],
    ['category browse', { categories: ['bikes'] }, 'listings_'],
    // A parent category with its subcategories (slug = ANY): a wide branch walks the sort's index and
    // filters by category (the LIMIT stops it early); a rare one reads the category index for every slug
    // of the branch (index only) and sorts those few entries.
    ['wide parent category browse', { categories: ['electronics', 'phones', 'computers', 'gaming'] }, 'listings_'],
    ['wide parent category browse, newest', { categories: ['electronics', 'phones', 'computers', 'gaming'], sort: 'newest' }, 'listings_'],
    ['rare parent category browse', { categories: ['other', 'no-listings-yet'] }, 'listings_category_idx'],
    ['full-text search', { q: 'vintage guitar' }, 'listings_'],
    ['full-text search for a rare word', { q: '12345' }, 'listings_search_idx'],
    ['near a point', { near: { lat: 45.5019, lng: -73.5674, radiusKm: 25 } }, 'listings_'],
    ['near a point by distance', { near: { lat: 45.5019, lng: -73.5674, radiusKm: 25 }, sort: 'distance' }, 'listings_location_idx'],
    ['price ascending', { sort: 'price_asc' }, 'listings_status_price_idx'],
    ['price descending within a range', { sort: 'price_desc', minPriceCents: 1000, maxPriceCents: 5000 }, 'listings_status_price_idx'],
    ['newest', { sort: 'newest' }, 'listings_status_created_idx'],
  ])('%s uses an index, never a sequential scan of listings', async (_name, filter, index) => {
    const plan = await planOf(filter);
    expect(seqScansOnListings(plan)).toEqual([]);
    expect(indexesUsed(plan).some((name) => name!.startsWith(index))).toBe(true);
  });
});
