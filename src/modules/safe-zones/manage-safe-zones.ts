import type { Platform } from '../../shared/platform';
import type { Actor } from '../../shared/context';
import { packCursor, unpackCursor, UUID } from '../../shared/cursor';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import type { Trx } from '../../../db/connection';
import { conflict, invalid, notFound } from '../../shared/errors';
import { requireZoneManager } from './safe-zones.policy';
import { recordAudit, type AuditAction, type AuditEntry } from '../audit';
import { hoursJson } from './opening-hours';
import { auditSnapshot, presentSafeZoneForStaff } from './safe-zones.presenter';
import { safeZonesRepository, type SafeZone, type SafeZonePatch } from './safe-zones.repository';
import type { AdminSafeZonesInput, CreateSafeZoneInput, UpdateSafeZoneInput } from './safe-zones.schemas';

/** Who acts, and the request it belongs to (audit rows carry the request id). */
export interface Ctx {
  actor: Actor;
  requestId: string;
}

type ManageDeps = Pick<Platform, 'db' | 'clock'>;

/**
 * Work another module does in the transaction that deactivates a zone (the zone row locked, its new
 * state written): the meetups there are told. Passed in by a flow, as this module imports no meetups.
 */
export type OnZoneDeactivated = (trx: Trx, zone: SafeZone) => Promise<void>;

/** Opaque cursor: the last zone's name and id (the list is by name). */
const encodeCursor = (zone: SafeZone) => packCursor([zone.name, zone.id]);

function decodeCursor(cursor: string): { name: string; id: string } {
  const [name, id] = unpackCursor(cursor, 2) ?? [];
  if (typeof name !== 'string' || typeof id !== 'string' || !UUID.test(id)) {
    throw invalid([{ field: 'cursor', message: 'must be a cursor from a previous page' }]);
  }
  return { name, id };
}

/** GET /v1/admin/safe-zones (`safe_zones:manage`): every zone, active or not, by name. */
export async function listSafeZonesForStaff(deps: ManageDeps, ctx: Ctx, query: AdminSafeZonesInput) {
  requireZoneManager(ctx.actor);
  const rows = await safeZonesRepository.listForStaff(deps.db, {
    active: query.active === undefined ? undefined : query.active === 'true',
    q: query.q,
    limit: query.limit + 1,
    after: query.cursor ? decodeCursor(query.cursor) : undefined,
  });
  const page = rows.slice(0, query.limit);
  const now = deps.clock.now();
  return {
    items: page.map((z) => presentSafeZoneForStaff(z, now)),
    nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!) : null,
  };
}

/** POST /v1/admin/safe-zones (`safe_zones:manage`, audited with the new zone). */
export async function createSafeZone(deps: ManageDeps, ctx: Ctx, input: CreateSafeZoneInput) {
  requireZoneManager(ctx.actor);
  const zone = await deps.db.transaction().execute(async (trx) => {
    await safeZonesRepository.lockPlaces(trx);
    await refuseTakenPlace(trx, input.name, input.address);
    const created = await safeZonesRepository.insert(trx, {
      ...input,
      hours: hoursJson(input.hours),
      createdBy: ctx.actor.userId,
      updatedBy: ctx.actor.userId,
    });
    await recordAudit(trx, zoneAudit(ctx, 'safe_zone.created', created.id, { after: auditSnapshot(created) }));
    return created;
  });
  return presentSafeZoneForStaff(zone, deps.clock.now());
}

/**
 * PATCH /v1/admin/safe-zones/:id (`safe_zones:manage`): changes the given fields; `active: true`
 * reactivates, `active: false` deactivates (then `onDeactivated` runs, as for DELETE). Audited with the
 * zone before and after; a patch that changes nothing writes nothing.
 */
export async function updateSafeZone(deps: ManageDeps, ctx: Ctx, id: string, input: UpdateSafeZoneInput, onDeactivated?: OnZoneDeactivated) {
  requireZoneManager(ctx.actor);
  const { hours, ...rest } = input;
  const patch: SafeZonePatch = { ...rest, ...(hours !== undefined ? { hours: hoursJson(hours) } : {}) };
  return changeZone(deps, ctx, id, patch, onDeactivated);
}

/**
 * DELETE /v1/admin/safe-zones/:id (`safe_zones:manage`): deactivates; the zone stays for past meetups.
 * `onDeactivated` runs in the same transaction when the zone was active (not again for an inactive one).
 */
export async function deactivateSafeZone(deps: ManageDeps, ctx: Ctx, id: string, onDeactivated?: OnZoneDeactivated) {
  requireZoneManager(ctx.actor);
  return changeZone(deps, ctx, id, { active: false }, onDeactivated);
}

async function changeZone(deps: ManageDeps, ctx: Ctx, id: string, patch: SafeZonePatch, onDeactivated?: OnZoneDeactivated) {
  const zone = await deps.db.transaction().execute(async (trx) => {
    // A rename or a reactivation may move the zone onto a place another active zone holds.
    const mayTakePlace = patch.name !== undefined || patch.address !== undefined || patch.active === true;
    if (mayTakePlace) await safeZonesRepository.lockPlaces(trx);
    const before = await safeZonesRepository.lockById(trx, id);
    if (!before) throw notFound('safe zone');
    if (!changes(before, patch)) return before;
    if (mayTakePlace && (patch.active ?? before.active))
      await refuseTakenPlace(trx, patch.name ?? before.name, patch.address ?? before.address, id);
    const after = await safeZonesRepository.update(trx, id, { ...patch, updatedBy: ctx.actor.userId });
    const action = actionFor(before, after);
    await recordAudit(trx, zoneAudit(ctx, action, id, { before: auditSnapshot(before), after: auditSnapshot(after) }));
    if (action === 'safe_zone.deactivated') await onDeactivated?.(trx, after);
    return after;
  });
  return presentSafeZoneForStaff(zone, deps.clock.now());
}

/** One active zone per place (name and address without case or extra white space): 409 naming the one there. */
async function refuseTakenPlace(trx: Kysely<Database>, name: string, address: string, exceptId?: string) {
  const holder = await safeZonesRepository.activeAtPlace(trx, name, address, exceptId);
  if (!holder) return;
  throw conflict('safe_zone_exists', `The active zone "${holder.name}" is already at this name and address.`, {
    safeZoneId: holder.id,
    errors: [
      { field: 'name', message: 'an active zone has this name and address' },
      { field: 'address', message: 'an active zone has this name and address' },
    ],
  });
}

/** True when applying `patch` would change a stored value (hours compared in canonical JSON). */
export function changes(zone: SafeZone, patch: SafeZonePatch): boolean {
  const current = auditSnapshot(zone) as Record<string, unknown>;
  return Object.entries(patch).some(([key, value]) => {
    const was = key === 'hours' ? hoursJson(zone.hours) : current[key];
    return value !== undefined && value !== was;
  });
}

export function actionFor(before: SafeZone, after: SafeZone): AuditAction {
  if (before.active && !after.active) return 'safe_zone.deactivated';
  if (!before.active && after.active) return 'safe_zone.reactivated';
  return 'safe_zone.updated';
}

export const zoneAudit = (ctx: Ctx, action: AuditAction, targetId: string, details: Record<string, unknown>): AuditEntry => ({
  actorId: ctx.actor.userId,
  action,
  targetType: 'safe_zone' as const,
  targetId,
  details,
  requestId: ctx.requestId,
});
