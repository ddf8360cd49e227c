import express, { type RequestHandler } from 'express';
import { created, defineRoute, ok } from '../../http/route';
import { AppError } from '../../shared/errors';
import { importSafeZones } from './import-safe-zones';
import { deactivateSafeZoneTellingParties, updateSafeZoneTellingParties } from '../../flows/safe-zone-meetups';
import { createSafeZone, listSafeZonesForStaff } from './manage-safe-zones';
import {
  AdminSafeZonePage,
  AdminSafeZonesQuery,
  AdminSafeZoneView,
  CreateSafeZoneBody,
  IMPORT_MAX_BYTES,
  ImportResult,
  SafeZoneCsv,
  SafeZoneIdParams,
  SafeZonePage,
  SafeZoneSearchQuery,
  UpdateSafeZoneBody,
} from './safe-zones.schemas';
import { searchSafeZones } from './search-safe-zones';

const adminTags = ['admin', 'safe-zones'];
// Support staff pass the staff gate and are then refused by the safe_zones:manage permission (403).
const roles: ('support' | 'admin')[] = ['support', 'admin'];
const staffErrors = { 403: { description: 'staff_only, missing_permission (safe_zones:manage)' } };

/** Reads a text/csv body (≤ 1 MB, else 413); any other media type is a 415 before anything is read. */
function csvBody(): RequestHandler[] {
  const requireCsv: RequestHandler = (req, _res, next) => {
    if (!req.is('text/csv')) throw new AppError('unsupported_media_type', 'unsupported_media_type', 'Send the zones as text/csv.');
    next();
  };
  return [requireCsv, express.text({ type: 'text/csv', limit: IMPORT_MAX_BYTES })];
}

export const safeZoneRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/v1/safe-zones',
      summary: 'Active safe zones near a point, nearest first (anonymous allowed)',
      tags: ['safe-zones'],
      auth: 'none',
      query: SafeZoneSearchQuery,
      responses: {
        200: { description: 'A page of zones with their great-circle distance and whether they are open now', schema: SafeZonePage },
        400: { description: 'near missing, malformed or out of range; radiusKm > 100; limit > 100; a cursor from another search' },
      },
    },
    async (deps, { query }) => ok(await searchSafeZones(deps, query)),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/admin/safe-zones',
      summary: 'Every safe zone, active or not, by name (admins)',
      tags: adminTags,
      roles,
      query: AdminSafeZonesQuery,
      responses: { 200: { description: 'A page of zones', schema: AdminSafeZonePage }, ...staffErrors },
    },
    async (deps, { actor, query, requestId }) => ok(await listSafeZonesForStaff(deps, { actor: actor!, requestId }, query)),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/admin/safe-zones',
      summary: 'Add a safe zone (admins; audited)',
      tags: adminTags,
      roles,
      body: CreateSafeZoneBody,
      responses: {
        201: { description: 'The new zone', schema: AdminSafeZoneView },
        ...staffErrors,
        409: { description: 'safe_zone_exists: an active zone has this name and address (safeZoneId names it)' },
      },
    },
    async (deps, { actor, body, requestId }) => created(await createSafeZone(deps, { actor: actor!, requestId }, body)),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/v1/admin/safe-zones/import',
      summary: 'Import partner zones from CSV, all or nothing; a row updates the zone at its name and address (admins; audited per zone)',
      tags: adminTags,
      roles,
      body: SafeZoneCsv,
      bodyContentType: 'text/csv',
      before: csvBody,
      responses: {
        201: {
          description: 'Every row is an active zone: how many were created, updated, reactivated or already as the row',
          schema: ImportResult,
        },
        ...staffErrors,
        413: { description: 'payload_too_large (1 MB)' },
        415: { description: 'unsupported_media_type: send text/csv' },
        422: {
          description:
            "invalid_csv: errors [{line, column, message}] for every bad cell, or a row repeating an earlier row's name and address (header = line 1); nothing was imported",
        },
      },
    },
    async (deps, { actor, body, requestId }) => created(await importSafeZones(deps, { actor: actor!, requestId }, body)),
  ),
  defineRoute(
    {
      method: 'patch',
      path: '/v1/admin/safe-zones/:id',
      summary: 'Change a safe zone; active: true reactivates it, active: false deactivates it like DELETE (admins; audited before/after)',
      tags: adminTags,
      roles,
      params: SafeZoneIdParams,
      body: UpdateSafeZoneBody,
      responses: {
        200: { description: 'The zone', schema: AdminSafeZoneView },
        ...staffErrors,
        404: { description: 'No such zone' },
        409: { description: 'safe_zone_exists: the new name and address, or the reactivation, would make a second active zone there' },
      },
    },
    async (deps, { actor, params, body, requestId }) => ok(await updateSafeZoneTellingParties(deps, { actor: actor!, requestId }, params.id, body)),
  ),
  defineRoute(
    {
      method: 'delete',
      path: '/v1/admin/safe-zones/:id',
      summary:
        'Deactivate a safe zone: it leaves search but stays on past meetups; the parties of upcoming meetups there are told to pick another place (admins; audited)',
      tags: adminTags,
      roles,
      params: SafeZoneIdParams,
      responses: {
        200: { description: 'The deactivated zone', schema: AdminSafeZoneView },
        ...staffErrors,
        404: { description: 'No such zone' },
      },
    },
    async (deps, { actor, params, requestId }) => ok(await deactivateSafeZoneTellingParties(deps, { actor: actor!, requestId }, params.id)),
  ),
];
