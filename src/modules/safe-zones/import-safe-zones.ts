import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import { unprocessable } from '../../shared/errors';
import { requireZoneManager } from './safe-zones.policy';
import { recordAudits, type AuditEntry } from '../audit';
import type { CsvCellError } from '../../shared/csv-reader';
import { actionFor, changes, zoneAudit, type Ctx } from './manage-safe-zones';
import { hoursJson } from './opening-hours';
import { auditSnapshot } from './safe-zones.presenter';
import { safeZonesRepository, type NewSafeZone, type SafeZone, type SafeZonePatch } from './safe-zones.repository';
import { readZonesCsv, type CsvZone } from './zones-csv';

const toRow = (zone: CsvZone, by: string | null): NewSafeZone => ({ ...zone, hours: hoursJson(zone.hours), createdBy: by, updatedBy: by });

export interface ImportCounts {
  created: number;
  updated: number;
  reactivated: number;
  unchanged: number;
}

/**
 * POST /v1/admin/safe-zones/import (`safe_zones:manage`): every row of the partner list becomes an
 * active zone, or none does — any bad cell → 422 listing all of them by line and column. A row is
 * matched to its place (name and address, without case or extra white space): the place's zone is
 * updated to the row, and reactivated if it was deactivated; a new place becomes a new zone. So the
 * same list imported again changes nothing, and an edited list edits its zones. One audit row per
 * zone created or changed, in the same transaction.
 */
export async function importSafeZones(deps: Pick<Platform, 'db'>, ctx: Ctx, csv: string): Promise<ImportCounts> {
  requireZoneManager(ctx.actor);
  const read = readZonesCsv(csv);
  if (!read.ok) throw invalidCsv(read.errors);
  return deps.db.transaction().execute(async (trx) => {
    await safeZonesRepository.lockPlaces(trx);
    const places = await safeZonesRepository.placesOf(trx, read.zones);
    const repeated = repeatedPlaces(places, read.lines);
    if (repeated.length) throw invalidCsv(repeated);
    const zoneAt = new Map<string, SafeZone>();
    // Active first, then the latest changed: the first zone seen at a place is the one to keep.
    for (const zone of await safeZonesRepository.findAtPlaces(trx, places)) if (!zoneAt.has(zone.place)) zoneAt.set(zone.place, zone);
    const counts: ImportCounts = { created: 0, updated: 0, reactivated: 0, unchanged: 0 };
    const fresh: NewSafeZone[] = [];
    const audits: AuditEntry[] = [];
    for (const [i, row] of read.zones.entries()) {
      const zone = zoneAt.get(places[i]);
      if (!zone) {
        fresh.push(toRow(row, ctx.actor.userId));
        continue;
      }
      const patch: SafeZonePatch = { ...row, hours: hoursJson(row.hours), active: true };
      if (!changes(zone, patch)) {
        counts.unchanged += 1;
        continue;
      }
      const after = await safeZonesRepository.update(trx, zone.id, { ...patch, updatedBy: ctx.actor.userId });
      const action = actionFor(zone, after);
      counts[action === 'safe_zone.reactivated' ? 'reactivated' : 'updated'] += 1;
      audits.push(zoneAudit(ctx, action, zone.id, { before: auditSnapshot(zone), after: auditSnapshot(after), source: 'csv_import' }));
    }
    const created = await safeZonesRepository.insertMany(trx, fresh);
    counts.created = created.length;
    audits.push(
      ...created.map((zone) => zoneAudit(ctx, 'safe_zone.created', zone.id, { after: auditSnapshot(zone), source: 'csv_import' })),
    );
    await recordAudits(trx, audits);
    return counts;
  });
}

function invalidCsv(problems: CsvCellError[]) {
  const count = problems.length;
  // `field` as every problem has it (the column, or the body for a bad row or file), plus line and column.
  const errors = problems.map((e) => ({ field: e.column ?? 'body', ...e }));
  return unprocessable('invalid_csv', `${count} problem${count === 1 ? '' : 's'} in the CSV; nothing was imported.`, { errors });
}

/** A row naming the same place as an earlier row of the file: which of the two would win is a guess. */
function repeatedPlaces(places: string[], lines: number[]): CsvCellError[] {
  const firstLine = new Map<string, number>();
  const problems: CsvCellError[] = [];
  places.forEach((place, i) => {
    const first = firstLine.get(place);
    if (first === undefined) firstLine.set(place, lines[i]);
    else problems.push({ line: lines[i], column: 'name', message: `the same name and address as line ${first}` });
  });
  return problems;
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
