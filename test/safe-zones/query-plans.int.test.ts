import { sql } from 'kysely';
import { searchNearQuery, type NearSearch } from '../../src/modules/safe-zones/safe-zones.repository';
import { createTestEnv, type TestEnv } from '../support/harness';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

let env: TestEnv;
const ROWS = 5_000;

beforeAll(async () => {
  env = await createTestEnv();
  // Zones spread over southern Canada (lat 42–54, lng −128…−60); one in ten deactivated.
  await sql`
    INSERT INTO safe_zones (name, address, kind, lat, lng, timezone, active)
    SELECT 'Plan zone ' || g, g || ' Test St', (ARRAY['police_station','library','mall','other'])[1 + g % 4],
           42 + ((g * 7919) % 1200) * 0.01, -128 + ((g * 104729) % 6800) * 0.01, 'America/Toronto', g % 10 <> 0
    FROM generate_series(1, ${ROWS}) AS g`.execute(env.deps.db);
  await sql`VACUUM ANALYZE safe_zones`.execute(env.deps.db);
}, 60_000);
afterAll(() => env.close());

const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

/** The plan PostgreSQL chooses for the repository's own search statement, with these parameters. */
async function planOf(search: NearSearch): Promise<PlanNode[]> {
  const [row] = await searchNearQuery(env.deps.db, search).explain('json');
  const [document] = Object.values(row) as Array<Array<{ Plan: PlanNode }>>;
  return nodes(document[0].Plan);
}

describe(`safe-zone search plans over ${ROWS} zones`, () => {
  it.each<[string, NearSearch]>([
    ['25 km around Toronto', { lat: 43.6532, lng: -79.3832, radiusKm: 25, limit: 21 }],
    ['100 km around Montréal', { lat: 45.5019, lng: -73.5674, radiusKm: 100, limit: 21 }],
    [
      'the next page',
      { lat: 49.2827, lng: -123.1207, radiusKm: 25, limit: 21, after: { sortKey: 1000, id: '00000000-0000-0000-0000-000000000000' } },
    ],
  ])('%s uses the GiST index, never a sequential scan', async (_name, search) => {
    const plan = await planOf(search);
    expect(plan.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    expect(plan.map((n) => n['Index Name'])).toContain('safe_zones_location_idx');
  });
});
