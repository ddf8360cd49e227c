import { nearestActiveZones } from '../../src/modules/safe-zones';
import { createTestEnv, type TestEnv } from '../support/harness';
import { fixedClock, haversineKm, insertZone, MONDAY_10AM_TORONTO, TORONTO } from './support';

let env: TestEnv;
const ids: Record<string, string> = {};
const at = (dLat: number, dLng = 0) => ({ lat: TORONTO.lat + dLat, lng: TORONTO.lng + dLng });
const near = `${TORONTO.lat},${TORONTO.lng}`;
type Item = { id: string; name: string; distanceKm: number; openNow: boolean | null; lat: number; lng: number };

beforeAll(async () => {
  env = await createTestEnv({}, { clock: fixedClock });
  const d = env.deps;
  const mon = (opens: string, closes: string) => ({ mon: [{ opens, closes }] });
  ids.a = await insertZone(d, { name: 'A open', ...at(0.01), hours: mon('09:00', '17:00') });
  ids.b = await insertZone(d, { name: 'B not yet open', ...at(0.05), hours: mon('12:00', '17:00') });
  ids.b2 = await insertZone(d, { name: 'B2 same place as B', ...at(0.05), hours: null });
  ids.c = await insertZone(d, { name: 'C Vancouver hours', ...at(0.2), hours: mon('09:00', '17:00'), timezone: 'America/Vancouver' });
  ids.d = await insertZone(d, { name: 'D 33 km', ...at(0.3) });
  ids.inactive = await insertZone(d, { name: 'Inactive, closest', ...at(0.001), active: false });
  ids.far = await insertZone(d, { name: 'Vancouver', lat: 49.2798, lng: -123.1156 });
});
afterAll(() => env.close());

const search = (query: Record<string, string | number>) => env.http.get('/v1/safe-zones').query(query);

describe('GET /v1/safe-zones', () => {
  it('answers anonymous callers with active zones within 25 km, nearest first, with great-circle distances', async () => {
    const res = await search({ near });
    expect(res.status).toBe(200);
    const items = res.body.items as Item[];
    const [b, b2] = [ids.b, ids.b2].sort();
    expect(items.map((z) => z.id)).toEqual([ids.a, b, b2, ids.c]);
    for (const z of items) expect(z.distanceKm).toBeCloseTo(haversineKm(TORONTO, z), 3);
    expect(items[0].distanceKm).toBe(1.112);
    expect(res.body.nextCursor).toBeNull();
    expect(items[0]).toEqual({
      id: ids.a,
      name: 'A open',
      address: '1 Test St',
      kind: 'library',
      lat: at(0.01).lat,
      lng: TORONTO.lng,
      hours: { mon: [{ opens: '09:00', closes: '17:00' }] },
      timezone: 'America/Toronto',
      phone: null,
      distanceKm: 1.112,
      openNow: true,
    });
  });

  it("tells whether each zone is open now in the zone's own time zone, null when hours are unknown", async () => {
    const items = (await search({ near })).body.items as Item[];
    const open = Object.fromEntries(items.map((z) => [z.id, z.openNow]));
    // 10:00 in Toronto: A (09–17) is open, B (12–17) not yet; C keeps 09–17 Vancouver time, where it is 07:00.
    expect(open).toEqual({ [ids.a]: true, [ids.b]: false, [ids.b2]: null, [ids.c]: false });
  });

  it('widens to the radius asked, never returns inactive zones, and finds nothing in an empty area', async () => {
    const wide = (await search({ near, radiusKm: 40 })).body.items as Item[];
    expect(wide.map((z) => z.id)).toContain(ids.d);
    expect(wide.map((z) => z.id)).not.toContain(ids.inactive);
    const narrow = (await search({ near, radiusKm: 1 })).body.items as Item[];
    expect(narrow).toEqual([]);
    const arctic = await search({ near: '80,0', radiusKm: 100 });
    expect([arctic.status, arctic.body]).toEqual([200, { items: [], nextCursor: null }]);
  });

  it('pages with limit and cursor, ties ordered by id, every zone exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await search({ near, radiusKm: 40, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...(res.body.items as Item[]).map((z) => z.id));
      cursor = res.body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    const all = ((await search({ near, radiusKm: 40, limit: 100 })).body.items as Item[]).map((z) => z.id);
    expect(seen).toEqual(all);
    expect(all).toHaveLength(5);
    const distances = ((await search({ near, radiusKm: 40 })).body.items as Item[]).map((z) => z.distanceKm);
    expect(distances).toEqual([...distances].sort((x, y) => x - y));
  });

  it.each<[string, Record<string, string | number>, string]>([
    ['near missing', {}, 'near'],
    ['near not numbers', { near: 'toronto' }, 'near'],
    ['near with one number', { near: '43.65' }, 'near'],
    ['near with three numbers', { near: '43.65,-79.38,5' }, 'near'],
    ['latitude out of range', { near: '90.5,-79.38' }, 'near'],
    ['longitude out of range', { near: '43.65,-180.1' }, 'near'],
    ['radius over 100 km', { near, radiusKm: 101 }, 'radiusKm'],
    ['radius zero', { near, radiusKm: 0 }, 'radiusKm'],
    ['radius not a number', { near, radiusKm: 'far' }, 'radiusKm'],
    ['limit over 100', { near, limit: 101 }, 'limit'],
    ['limit zero', { near, limit: 0 }, 'limit'],
    ['a garbage cursor', { near, cursor: 'not-a-cursor' }, 'cursor'],
  ])('refuses %s with a 400 naming the field', async (_name, query, field) => {
    const res = await search(query);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
  });

  it('refuses a cursor from a search around another point', async () => {
    const first = await search({ near, radiusKm: 40, limit: 1 });
    const res = await search({ near: '43.7,-79.4', radiusKm: 40, limit: 1, cursor: first.body.nextCursor });
    expect([res.status, res.body.errors[0].field]).toEqual([400, 'cursor']);
  });
});

describe('nearestActiveZones (for the listing page)', () => {
  it('answers the nearest active zones with their distance, up to the limit', async () => {
    const zones = await nearestActiveZones(env.deps.db, TORONTO, 3, MONDAY_10AM_TORONTO);
    expect(zones.map((z) => z.id)).toEqual([ids.a, ...[ids.b, ids.b2].sort()]);
    expect(zones[0]).toMatchObject({ distanceKm: 1.112, openNow: true });
    expect(await nearestActiveZones(env.deps.db, { lat: 80, lng: 0 }, 3)).toEqual([]);
  });
});
