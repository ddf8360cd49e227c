import { readFileSync } from 'node:fs';
import { DEMO_SAFE_ZONES_CSV, seedDemo } from '../../db/seed';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

let env: TestEnv;
let admin: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  admin = await createUser(env.deps, { role: 'admin' });
});
afterAll(() => env.close());

const HEADER = 'name,address,kind,lat,lng,phone,timezone,hours';
const importCsv = (csv: string) => env.http.post('/v1/admin/safe-zones/import').set(admin.auth).set('Content-Type', 'text/csv').send(csv);
const countZones = async () =>
  Number(
    (
      await env.deps.db
        .selectFrom('safeZones')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('POST /v1/admin/safe-zones/import', () => {
  it('creates every row, RFC 4180 quoting included, and audits each zone', async () => {
    const csv = [
      HEADER,
      '"Import test, library","12 ""Main"" St\r\nUnit 4",library,43.70,-79.40,+14165550111,America/Toronto,Mon-Fri 09:00-17:00; Sat 10:00-16:00',
      'Import test mall,1 Mall Rd,MALL,43.71,-79.41,,america/toronto,',
      'Import test station,2 Safe Ave,police_station,49.28,-123.12,,America/Vancouver,24/7',
    ].join('\r\n');
    const res = await importCsv(`${csv}\r\n`);
    expect([res.status, res.body]).toEqual([201, { created: 3, updated: 0, reactivated: 0, unchanged: 0 }]);
    const zones = await env.deps.db.selectFrom('safeZones').selectAll().where('name', 'like', 'Import test%').orderBy('name').execute();
    expect(zones.map((z) => [z.name, z.address, z.kind, z.timezone, z.phone, z.createdBy, z.active])).toEqual([
      ['Import test mall', '1 Mall Rd', 'mall', 'America/Toronto', null, admin.id, true],
      ['Import test station', '2 Safe Ave', 'police_station', 'America/Vancouver', null, admin.id, true],
      ['Import test, library', '12 "Main" St\r\nUnit 4', 'library', 'America/Toronto', '+14165550111', admin.id, true],
    ]);
    expect(zones[2].hours).toEqual({
      mon: [{ opens: '09:00', closes: '17:00' }],
      tue: [{ opens: '09:00', closes: '17:00' }],
      wed: [{ opens: '09:00', closes: '17:00' }],
      thu: [{ opens: '09:00', closes: '17:00' }],
      fri: [{ opens: '09:00', closes: '17:00' }],
      sat: [{ opens: '10:00', closes: '16:00' }],
    });
    expect(zones[0].hours).toBeNull();
    const audits = await env.deps.db
      .selectFrom('auditLog')
      .select(['targetId', 'actorId', 'action'])
      .where('targetType', '=', 'safe_zone')
      .where(
        'targetId',
        'in',
        zones.map((z) => z.id),
      )
      .execute();
    expect(audits).toHaveLength(3);
    expect(audits.every((a) => a.actorId === admin.id && a.action === 'safe_zone.created')).toBe(true);
  });

  it('refuses a file with 3 bad cells with 422 listing each by line and column, and creates nothing', async () => {
    const before = await countZones();
    const csv = [
      HEADER,
      'Good row,1 Good St,library,43.7,-79.4,,America/Toronto,Mon 09:00-17:00',
      'Bad kind,"2 Bad St, Unit 1",bank,43.7,-79.4,,America/Toronto,',
      // A quoted line break: the next record starts on line 6, not 5.
      '"Bad lat\nsecond line",3 Bad St,mall,95,-79.4,,America/Toronto,',
      'Bad hours,4 Bad St,other,43.7,-79.4,,America/Toronto,Mon-Fry 09:00-17:00',
    ].join('\n');
    const res = await importCsv(csv);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('invalid_csv');
    expect(res.body.errors.map(({ line, column }: { line: number; column: string }) => ({ line, column }))).toEqual([
      { line: 3, column: 'kind' },
      { line: 4, column: 'lat' },
      { line: 6, column: 'hours' },
    ]);
    expect(res.body.errors[2].message).toMatch(/"Mon-Fry" is not a day/);
    expect(await countZones()).toBe(before);
  });

  it.each<[string, string, Array<{ line: number; column: string | null }>]>([
    [
      'a missing required column and an unknown one',
      'name,address,kind,lat,phone,colour\r\nx,y,mall,1,,red',
      [
        { line: 1, column: 'colour' },
        { line: 1, column: 'lng' },
        { line: 1, column: 'timezone' },
      ],
    ],
    ['a row with too few fields', `${HEADER}\r\nx,y,mall,1,2`, [{ line: 2, column: null }]],
    ['an unterminated quote', `${HEADER}\r\n"x,y,mall,1,2,,UTC,`, [{ line: 2, column: null }]],
    ['a header with no rows', `${HEADER}\r\n`, [{ line: 1, column: null }]],
    [
      'blank cells and a bad phone',
      `${HEADER}\r\n,  ,mall,1,2,555-0100,UTC,`,
      [
        { line: 2, column: 'name' },
        { line: 2, column: 'address' },
        { line: 2, column: 'phone' },
      ],
    ],
  ])('refuses %s with 422 and where', async (_name, csv, where) => {
    const res = await importCsv(csv);
    expect(res.status).toBe(422);
    expect(res.body.errors.map(({ line, column }: { line: number; column: string | null }) => ({ line, column }))).toEqual(where);
  });

  it('matches rows to zones by name and address: the same list again changes nothing, an edited list edits them', async () => {
    const list = (library: string) =>
      [
        HEADER,
        `Resync library,10 Resync St,library,43.70,-79.40,,America/Toronto,${library}`,
        'Resync mall,11 Resync St,mall,43.71,-79.41,,America/Toronto,',
        'Resync station,12 Resync St,police_station,43.72,-79.42,,America/Toronto,24/7',
      ].join('\r\n');
    expect((await importCsv(list('Mon 09:00-17:00'))).body).toEqual({ created: 3, updated: 0, reactivated: 0, unchanged: 0 });
    const zones = await env.deps.db.selectFrom('safeZones').selectAll().where('name', 'like', 'Resync %').orderBy('name').execute();
    const [library, mall, station] = zones;
    await env.http.delete(`/v1/admin/safe-zones/${station.id}`).set(admin.auth);

    const again = await importCsv(list('Mon 09:00-17:00'));
    expect([again.status, again.body]).toEqual([201, { created: 0, updated: 0, reactivated: 1, unchanged: 2 }]);
    // Other case and spacing name the same place: its zone takes the row's spelling.
    const edited = list('Mon 10:00-18:00').replace('Resync mall,11 Resync St', 'RESYNC  Mall,11 resync st');
    expect((await importCsv(edited)).body).toEqual({ created: 0, updated: 2, reactivated: 0, unchanged: 1 });

    const after = await env.deps.db.selectFrom('safeZones').selectAll().where('name', 'ilike', 'Resync %').orderBy('address').execute();
    expect(after.map((z) => [z.id, z.active])).toEqual([
      [library.id, true],
      [mall.id, true],
      [station.id, true],
    ]);
    expect(after[0].hours).toEqual({ mon: [{ opens: '10:00', closes: '18:00' }] });
    expect([after[1].name, after[1].address]).toEqual(['RESYNC  Mall', '11 resync st']);
    const audits = await env.deps.db
      .selectFrom('auditLog')
      .select(['targetId', 'action', 'details'])
      .where('targetType', '=', 'safe_zone')
      .where('targetId', 'in', [library.id, station.id])
      .orderBy('id')
      .execute();
    expect(audits.map((a) => [a.targetId, a.action])).toEqual([
      [library.id, 'safe_zone.created'],
      [station.id, 'safe_zone.created'],
      [station.id, 'safe_zone.deactivated'],
      [station.id, 'safe_zone.reactivated'],
      [library.id, 'safe_zone.updated'],
    ]);
    expect(audits[4].details).toMatchObject({ source: 'csv_import', before: { hours: { mon: [{ opens: '09:00', closes: '17:00' }] } } });
  });

  it('refuses a file naming one place twice with 422 at the later line, and imports nothing', async () => {
    const before = await countZones();
    const csv = [
      HEADER,
      'Twice zone,5 Twice St,mall,43.7,-79.4,,America/Toronto,',
      'Other zone,6 Twice St,mall,43.7,-79.4,,America/Toronto,',
      'twice ZONE,5  Twice St,library,43.7,-79.4,,America/Toronto,',
    ].join('\n');
    const res = await importCsv(csv);
    expect([res.status, res.body.code]).toEqual([422, 'invalid_csv']);
    expect(res.body.errors).toEqual([{ field: 'name', line: 4, column: 'name', message: 'the same name and address as line 2' }]);
    expect(await countZones()).toBe(before);
  });

  it('makes each place once when the same list is imported twice at the same time', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `Race zone ${i},${i} Race St,library,43.7,-79.4,,America/Toronto,`);
    const csv = [HEADER, ...rows].join('\r\n');
    const results = await Promise.all([importCsv(csv), importCsv(csv)]);
    expect(results.map((r) => r.status)).toEqual([201, 201]);
    expect(results.map((r) => r.body.created).sort()).toEqual([0, 50]);
    const zones = await env.deps.db.selectFrom('safeZones').select('name').where('name', 'like', 'Race zone %').execute();
    expect(zones).toHaveLength(50);
  });

  it('accepts only text/csv (415) of at most 1 MB (413)', async () => {
    const json = await env.http.post('/v1/admin/safe-zones/import').set(admin.auth).send({ csv: HEADER });
    expect([json.status, json.body.code]).toEqual([415, 'unsupported_media_type']);
    const row = 'Big,1 St,mall,43.7,-79.4,,America/Toronto,\r\n';
    const big = await importCsv(`${HEADER}\r\n${row.repeat(Math.ceil((1024 * 1024) / row.length) + 1)}`);
    expect(big.status).toBe(413);
  });
});

describe('demo safe zones (npm run seed, npm start)', () => {
  it('loads the shipped CSV of plainly marked demo zones once, however often the seed runs', async () => {
    const first = await seedDemo(env.deps.db);
    const again = await seedDemo(env.deps.db);
    const shippedRows = readFileSync(DEMO_SAFE_ZONES_CSV, 'utf8').trim().split('\n').length - 1;
    expect(first.safeZones).toBe(shippedRows);
    expect(shippedRows).toBeGreaterThanOrEqual(30);
    expect(again.safeZones).toBe(0);
    const demo = await env.deps.db.selectFrom('safeZones').select(['name']).where('name', 'like', 'Demo zone — %').execute();
    expect(demo).toHaveLength(shippedRows);
    for (const [city, near] of [
      ['Toronto', '43.6532,-79.3832'],
      ['Montréal', '45.5019,-73.5674'],
      ['Vancouver', '49.2827,-123.1207'],
    ]) {
      const res = await env.http.get('/v1/safe-zones').query({ near, radiusKm: 50, limit: 100 });
      expect(res.body.items.filter((z: { name: string }) => z.name.includes(city)).length).toBeGreaterThanOrEqual(10);
    }
  });
});
