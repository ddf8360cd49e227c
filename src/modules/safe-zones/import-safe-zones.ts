import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import { unprocessable } from '../../shared/errors';
import { requireZoneManager } from './safe-zones.policy';
import { recordAudits } from '../audit';
import type { Ctx } from './manage-safe-zones';
import { hoursJson } from './opening-hours';
import { auditSnapshot } from './safe-zones.presenter';
import { safeZonesRepository, type NewSafeZone } from './safe-zones.repository';
import { readZonesCsv, type CsvZone } from './zones-csv';

const toRow = (zone: CsvZone, by: string | null): NewSafeZone => ({ ...zone, hours: hoursJson(zone.hours), createdBy: by, updatedBy: by });

/**
 * POST /v1/admin/safe-zones/import (`safe_zones:manage`): every row of the partner list becomes an
 * active zone, or none does — any bad cell → 422 listing all of them by line and column. One audit row
 * per created zone, in the same transaction.
 */
export async function importSafeZones(deps: Pick<Platform, 'db'>, ctx: Ctx, csv: string): Promise<{ created: number }> {
  requireZoneManager(ctx.actor);
  const read = readZonesCsv(csv);
  if (!read.ok) {
    const count = read.errors.length;
    // `field` as every problem has it (the column, or the body for a bad row or file), plus line and column.
    const errors = read.errors.map((e) => ({ field: e.column ?? 'body', ...e }));
    throw unprocessable('invalid_csv', `${count} problem${count === 1 ? '' : 's'} in the CSV; nothing was imported.`, { errors });
  }
  const created = await deps.db.transaction().execute(async (trx) => {
    const zones = await safeZonesRepository.insertMany(
      trx,
      read.zones.map((zone) => toRow(zone, ctx.actor.userId)),
    );
    await recordAudits(
      trx,
      zones.map((zone) => ({
        actorId: ctx.actor.userId,
        action: 'safe_zone.created' as const,
        targetType: 'safe_zone' as const,
        targetId: zone.id,
        details: { after: auditSnapshot(zone), source: 'csv_import' },
        requestId: ctx.requestId,
      })),
    );
    return zones.length;
  });
  return { created };
}

/**
 * Loads a shipped CSV (the demo zones) with no acting user; zones whose name is already present are
 * skipped, so loading twice adds nothing. Throws on a bad file: it is ours, not an operator's.
 */
export async function loadSafeZonesCsv(db: Kysely<Database>, csv: string): Promise<{ created: number }> {
  const read = readZonesCsv(csv);
  if (!read.ok)
    throw new Error(`bad safe-zones CSV: ${read.errors.map((e) => `line ${e.line} ${e.column ?? ''}: ${e.message}`).join('; ')}`);
  return db.transaction().execute(async (trx) => {
    const existing = await safeZonesRepository.existingNames(
      trx,
      read.zones.map((z) => z.name),
    );
    const fresh = read.zones.filter((zone) => !existing.has(zone.name));
    await safeZonesRepository.insertMany(
      trx,
      fresh.map((zone) => toRow(zone, null)),
    );
    return { created: fresh.length };
  });
}
