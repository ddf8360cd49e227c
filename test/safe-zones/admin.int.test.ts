import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { fixedClock } from './support';

let env: TestEnv;
let admin: TestUser;
let support: TestUser;
let user: TestUser;

beforeAll(async () => {
  env = await createTestEnv({}, { clock: fixedClock });
  [admin, support, user] = await Promise.all([
    createUser(env.deps, { role: 'admin' }),
    createUser(env.deps, { role: 'support' }),
    createUser(env.deps),
  ]);
});
afterAll(() => env.close());

const zoneBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'Demo zone — Test library',
  address: '100 Queen St W, Toronto, ON',
  kind: 'library',
  lat: 43.6534,
  lng: -79.3841,
  hours: { mon: [{ opens: '09:00', closes: '17:00' }], sat: [{ opens: '10:00', closes: '16:00' }] },
  timezone: 'America/Toronto',
  phone: '+14165550100',
  ...overrides,
});

const auditRows = (targetId: string) =>
  env.deps.db
    .selectFrom('auditLog')
    .selectAll()
    .where('targetType', '=', 'safe_zone')
    .where('targetId', '=', targetId)
    .orderBy('id')
    .execute();

const searchIds = async () => {
  const res = await env.http.get('/v1/safe-zones').query({ near: '43.6532,-79.3832', radiusKm: 5, limit: 100 });
  return (res.body.items as Array<{ id: string }>).map((z) => z.id);
};

describe('admin safe zones', () => {
  it('creates a zone (201, audited with the actor and the new zone) that search then finds', async () => {
    const res = await env.http.post('/v1/admin/safe-zones').set(admin.auth).send(zoneBody());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Demo zone — Test library',
      kind: 'library',
      phone: '+14165550100',
      timezone: 'America/Toronto',
      active: true,
      openNow: true,
      createdBy: admin.id,
      updatedBy: admin.id,
    });
    expect(await searchIds()).toContain(res.body.id);
    const [row] = await auditRows(res.body.id);
    expect(row).toMatchObject({ actorId: admin.id, action: 'safe_zone.created' });
    expect((row.details as { after: Record<string, unknown> }).after).toMatchObject({
      name: 'Demo zone — Test library',
      lat: 43.6534,
      active: true,
    });
  });

  it('changes fields with PATCH, audited with before and after; a patch that changes nothing writes nothing', async () => {
    const { body: zone } = await env.http
      .post('/v1/admin/safe-zones')
      .set(admin.auth)
      .send(zoneBody({ name: 'Zone to edit' }));
    const res = await env.http
      .patch(`/v1/admin/safe-zones/${zone.id}`)
      .set(admin.auth)
      .send({ name: 'Zone edited', hours: null, phone: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Zone edited', hours: null, phone: null, openNow: null });
    const same = await env.http.patch(`/v1/admin/safe-zones/${zone.id}`).set(admin.auth).send({ name: 'Zone edited', kind: 'library' });
    expect(same.status).toBe(200);
    const rows = await auditRows(zone.id);
    expect(rows.map((r) => r.action)).toEqual(['safe_zone.created', 'safe_zone.updated']);
    const details = rows[1].details as { before: Record<string, unknown>; after: Record<string, unknown> };
    expect(details.before).toMatchObject({ name: 'Zone to edit', phone: '+14165550100', hours: zoneBody().hours });
    expect(details.after).toMatchObject({ name: 'Zone edited', phone: null, hours: null });
  });

  it('deactivates with DELETE (kept, out of search, audited) and reactivates with PATCH active: true', async () => {
    const { body: zone } = await env.http
      .post('/v1/admin/safe-zones')
      .set(admin.auth)
      .send(zoneBody({ name: 'Zone to close' }));
    const del = await env.http.delete(`/v1/admin/safe-zones/${zone.id}`).set(admin.auth);
    expect([del.status, del.body.active]).toEqual([200, false]);
    expect(await searchIds()).not.toContain(zone.id);
    const inactive = await env.http.get('/v1/admin/safe-zones').query({ active: 'false' }).set(admin.auth);
    expect((inactive.body.items as Array<{ id: string }>).map((z) => z.id)).toContain(zone.id);

    const back = await env.http.patch(`/v1/admin/safe-zones/${zone.id}`).set(admin.auth).send({ active: true });
    expect([back.status, back.body.active]).toEqual([200, true]);
    expect(await searchIds()).toContain(zone.id);
    expect((await auditRows(zone.id)).map((r) => [r.action, r.actorId])).toEqual([
      ['safe_zone.created', admin.id],
      ['safe_zone.deactivated', admin.id],
      ['safe_zone.reactivated', admin.id],
    ]);
  });

  it('keeps one active zone per name and address: a second one, a rename onto it or a reactivation there is 409', async () => {
    const create = (overrides: Record<string, unknown>) => env.http.post('/v1/admin/safe-zones').set(admin.auth).send(zoneBody(overrides));
    const { body: first } = await create({ name: 'One place', address: '1 Place St' });
    // The same place written with other case and spacing.
    const again = await create({ name: ' one  PLACE ', address: '1 place st', lat: 43.7 });
    expect([again.status, again.body.code, again.body.safeZoneId]).toEqual([409, 'safe_zone_exists', first.id]);
    expect(again.body.errors.map((e: { field: string }) => e.field)).toEqual(['name', 'address']);

    const { body: other } = await create({ name: 'Other place', address: '1 Place St' });
    const rename = await env.http.patch(`/v1/admin/safe-zones/${other.id}`).set(admin.auth).send({ name: 'ONE PLACE' });
    expect([rename.status, rename.body.safeZoneId]).toEqual([409, first.id]);

    // Deactivated, the place is free; reactivating the old zone once another holds it is refused.
    await env.http.delete(`/v1/admin/safe-zones/${first.id}`).set(admin.auth);
    const successor = await create({ name: 'One place', address: '1 Place St' });
    expect(successor.status).toBe(201);
    const reactivate = await env.http.patch(`/v1/admin/safe-zones/${first.id}`).set(admin.auth).send({ active: true });
    expect([reactivate.status, reactivate.body.safeZoneId]).toEqual([409, successor.body.id]);
    // Only the refused writes are missing: no audit row, nothing changed.
    expect((await auditRows(first.id)).map((r) => r.action)).toEqual(['safe_zone.created', 'safe_zone.deactivated']);
    expect((await auditRows(other.id)).map((r) => r.action)).toEqual(['safe_zone.created']);
    // A patch of other fields is not a move: the holder itself may change them.
    const hours = await env.http
      .patch(`/v1/admin/safe-zones/${successor.body.id}`)
      .set(admin.auth)
      .send({ name: 'One Place', phone: null });
    expect([hours.status, hours.body.name]).toEqual([200, 'One Place']);
  });

  it('lists every zone by name with active and q filters and a cursor', async () => {
    await env.http
      .post('/v1/admin/safe-zones')
      .set(admin.auth)
      .send(zoneBody({ name: 'Zulu mall', kind: 'mall', address: 'Harbourfront' }));
    const found = await env.http.get('/v1/admin/safe-zones').query({ q: 'harbour' }).set(admin.auth);
    expect([found.status, found.body.items.map((z: { name: string }) => z.name)]).toEqual([200, ['Zulu mall']]);
    // Words, not one phrase: each may be in the name or the address, in any order.
    for (const q of ['zulu harbourfront', 'Harbourfront   MALL']) {
      const words = await env.http.get('/v1/admin/safe-zones').query({ q }).set(admin.auth);
      expect(words.body.items.map((z: { name: string }) => z.name)).toEqual(['Zulu mall']);
    }
    expect((await env.http.get('/v1/admin/safe-zones').query({ q: 'zulu library' }).set(admin.auth)).body.items).toEqual([]);
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await env.http
        .get('/v1/admin/safe-zones')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(admin.auth);
      names.push(...page.body.items.map((z: { name: string }) => z.name));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(names).toEqual([...names].sort());
    expect(names.length).toBeGreaterThanOrEqual(4);
    const bad = await env.http.get('/v1/admin/safe-zones').query({ cursor: 'x' }).set(admin.auth);
    expect([bad.status, bad.body.errors[0].field]).toEqual([400, 'cursor']);
  });

  it('refuses bad bodies with 400 naming the field, and an unknown zone with 404', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ kind: 'bank' }, 'kind'],
      [{ lat: 91 }, 'lat'],
      [{ lng: -181 }, 'lng'],
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ phone: '416-555-0100' }, 'phone'],
      [{ hours: { mon: [{ opens: '17:00', closes: '09:00' }] } }, 'hours'],
      [{ hours: { monday: [] } }, 'hours.monday'],
      [{ name: '' }, 'name'],
    ];
    for (const [overrides, field] of cases) {
      const res = await env.http.post('/v1/admin/safe-zones').set(admin.auth).send(zoneBody(overrides));
      expect([res.status, res.body.errors?.[0]?.field]).toEqual([400, field]);
    }
    const empty = await env.http.patch('/v1/admin/safe-zones/00000000-0000-4000-8000-000000000000').set(admin.auth).send({});
    expect(empty.status).toBe(400);
    const missing = await env.http.patch('/v1/admin/safe-zones/00000000-0000-4000-8000-000000000000').set(admin.auth).send({ name: 'x' });
    expect(missing.status).toBe(404);
    const gone = await env.http.delete('/v1/admin/safe-zones/00000000-0000-4000-8000-000000000000').set(admin.auth);
    expect(gone.status).toBe(404);
  });

  it('is for admins only: support 403, user 403, anonymous 401 — and nothing changes', async () => {
    const { body: zone } = await env.http
      .post('/v1/admin/safe-zones')
      .set(admin.auth)
      .send(zoneBody({ name: 'Guarded zone' }));
    const calls = [
      (auth: Record<string, string>) => env.http.get('/v1/admin/safe-zones').set(auth),
      (auth: Record<string, string>) => env.http.post('/v1/admin/safe-zones').set(auth).send(zoneBody()),
      (auth: Record<string, string>) => env.http.patch(`/v1/admin/safe-zones/${zone.id}`).set(auth).send({ name: 'Hijacked' }),
      (auth: Record<string, string>) => env.http.delete(`/v1/admin/safe-zones/${zone.id}`).set(auth),
      (auth: Record<string, string>) =>
        env.http.post('/v1/admin/safe-zones/import').set(auth).set('Content-Type', 'text/csv').send('name\r\n'),
    ];
    for (const call of calls) {
      expect((await call(support.auth)).status).toBe(403);
      expect((await call(user.auth)).status).toBe(403);
      expect((await call({})).status).toBe(401);
    }
    const after = await env.deps.db.selectFrom('safeZones').select(['name', 'active']).where('id', '=', zone.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ name: 'Guarded zone', active: true });
    expect((await auditRows(zone.id)).map((r) => r.action)).toEqual(['safe_zone.created']);
  });
});
