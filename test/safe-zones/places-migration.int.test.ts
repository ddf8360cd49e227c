import type { Kysely } from 'kysely';
import { up, down } from '../../db/migrations/202612051900_safe_zone_places';
import { createTestEnv, type TestEnv } from '../support/harness';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const zone = (name: string, address: string, createdAt: string) => ({
  name,
  address,
  kind: 'library' as const,
  lat: 43.65,
  lng: -79.38,
  timezone: 'America/Toronto',
  createdAt: new Date(createdAt),
});

describe('migration 202612051900_safe_zone_places', () => {
  it('keeps the oldest active zone of a place, deactivates the rest with an audit row, then refuses a second one', async () => {
    const db = env.deps.db;
    // Migrations are written against no schema at all.
    const untyped = db as unknown as Kysely<unknown>;
    await down(untyped);
    const [oldest, copy, elsewhere] = await db
      .insertInto('safeZones')
      .values([
        zone('Copied library', '1 Copy St', '2026-01-01T00:00:00Z'),
        zone('copied  LIBRARY ', '1 copy st', '2026-02-01T00:00:00Z'),
        zone('Copied library', '2 Copy St', '2026-03-01T00:00:00Z'),
      ])
      .returning('id')
      .execute();
    await up(untyped);

    const zones = await db.selectFrom('safeZones').select(['id', 'active']).where('id', 'in', [oldest.id, copy.id, elsewhere.id]).execute();
    expect(Object.fromEntries(zones.map((z) => [z.id, z.active]))).toEqual({ [oldest.id]: true, [copy.id]: false, [elsewhere.id]: true });
    const audits = await db
      .selectFrom('auditLog')
      .select(['targetId', 'action', 'actorId', 'details'])
      .where('targetType', '=', 'safe_zone')
      .execute();
    expect(audits).toEqual([
      { targetId: copy.id, action: 'safe_zone.deactivated', actorId: null, details: { reason: 'duplicate_place', keptZoneId: oldest.id } },
    ]);
    await expect(
      db
        .insertInto('safeZones')
        .values(zone('COPIED LIBRARY', '1 Copy St', '2026-04-01T00:00:00Z'))
        .execute(),
    ).rejects.toThrow(/safe_zones_active_place_idx/);
  });
});
