import { z, nullableRef } from '../../shared/zod';
import { canonicalTimeZone, CLOSES, OPENS, weeklyHoursProblem, WEEKDAYS } from './opening-hours';

export const SAFE_ZONE_KINDS = ['police_station', 'library', 'mall', 'other'] as const;
export const SafeZoneKind = z.enum(SAFE_ZONE_KINDS);
export const MAX_RADIUS_KM = 100;
/** The CSV import's body limit (bytes), also the express text parser's. */
export const IMPORT_MAX_BYTES = 1024 * 1024;

const Interval = z.strictObject({
  opens: z.string().regex(OPENS, 'must be HH:MM (00:00–23:59)'),
  closes: z.string().regex(CLOSES, 'must be HH:MM (00:01–24:00)'),
});

export const WeeklyHoursSchema = z
  .strictObject(
    Object.fromEntries(WEEKDAYS.map((day) => [day, z.array(Interval).max(6).optional()])) as Record<
      (typeof WEEKDAYS)[number],
      z.ZodOptional<z.ZodArray<typeof Interval>>
    >,
  )
  .superRefine((hours, ctx) => {
    const problem = weeklyHoursProblem(hours);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .openapi('WeeklyHours', {
    description: "Opening intervals per weekday in the zone's local time; a day left out is closed",
    example: { mon: [{ opens: '09:00', closes: '17:00' }], sat: [{ opens: '10:00', closes: '16:00' }] },
  });

export const TimeZoneName = z
  .string()
  .refine((name) => canonicalTimeZone(name) !== null, 'must be an IANA time zone such as America/Toronto')
  .transform((name) => canonicalTimeZone(name)!)
  .openapi({ example: 'America/Toronto' });

export const SafeZonePhone = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +14165550100')
  .openapi({ example: '+14165550100' });

const Name = z.string().trim().min(1).max(200);
const Address = z.string().trim().min(1).max(300);
const Lat = z.number().min(-90).max(90);
const Lng = z.number().min(-180).max(180);

const ZoneFields = {
  id: z.uuid(),
  name: z.string(),
  address: z.string(),
  kind: SafeZoneKind,
  lat: z.number(),
  lng: z.number(),
  hours: nullableRef(WeeklyHoursSchema),
  timezone: z.string(),
  phone: z.string().nullable(),
  openNow: z.boolean().nullable().openapi({ description: 'Null when the hours are not known' }),
};

export const SafeZoneView = z
  .object({ ...ZoneFields, distanceKm: z.number().openapi({ description: 'Great-circle distance from near, km (3 decimals)' }) })
  .openapi('SafeZone');

export const SafeZonePage = z.object({ items: z.array(SafeZoneView), nextCursor: z.string().nullable() }).openapi('SafeZonePage');

// Two decimal numbers separated by a comma; range is checked separately so the message says which.
const LAT_LNG = /^\s*[-+]?\d{1,3}(\.\d+)?\s*,\s*[-+]?\d{1,3}(\.\d+)?\s*$/;

export const SafeZoneSearchQuery = z.object({
  near: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required: "lat,lng"' : 'must be "lat,lng"') })
    .regex(LAT_LNG, 'must be "lat,lng", two decimal numbers')
    .refine((near) => {
      const [lat, lng] = near.split(',').map(Number);
      return !LAT_LNG.test(near) || (Math.abs(lat) <= 90 && Math.abs(lng) <= 180);
    }, 'latitude must be within ±90 and longitude within ±180')
    .transform((near) => {
      const [lat, lng] = near.split(',').map(Number);
      return { lat, lng };
    })
    .openapi({ example: '43.6532,-79.3832', description: 'The point to search around: "lat,lng"' }),
  radiusKm: z.coerce
    .number()
    .positive()
    .max(MAX_RADIUS_KM)
    .default(25)
    .openapi({ description: `Default 25, at most ${MAX_RADIUS_KM}` }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(300).optional(),
});

export const SafeZoneIdParams = z.object({ id: z.uuid() });

export const CreateSafeZoneBody = z
  .strictObject({
    name: Name,
    address: Address,
    kind: SafeZoneKind,
    lat: Lat,
    lng: Lng,
    hours: nullableRef(WeeklyHoursSchema).default(null),
    timezone: TimeZoneName,
    phone: SafeZonePhone.nullable().default(null),
    active: z.boolean().default(true),
  })
  .openapi('CreateSafeZone');

export const UpdateSafeZoneBody = z
  .strictObject({
    name: Name.optional(),
    address: Address.optional(),
    kind: SafeZoneKind.optional(),
    lat: Lat.optional(),
    lng: Lng.optional(),
    hours: nullableRef(WeeklyHoursSchema).optional(),
    timezone: TimeZoneName.optional(),
    phone: SafeZonePhone.nullable().optional(),
    active: z.boolean().optional().openapi({ description: 'true reactivates a deactivated zone' }),
  })
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change')
  .openapi('UpdateSafeZone');

export const AdminSafeZonesQuery = z.object({
  active: z.enum(['true', 'false']).optional().openapi({ description: 'Only active (true) or deactivated (false) zones; both by default' }),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'Words, each in the name or the address (any order, case-insensitive)' }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(600).optional(),
});

export const AdminSafeZoneView = z
  .object({
    ...ZoneFields,
    active: z.boolean(),
    createdBy: z.uuid().nullable(),
    updatedBy: z.uuid().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('AdminSafeZone');

export const AdminSafeZonePage = z
  .object({ items: z.array(AdminSafeZoneView), nextCursor: z.string().nullable() })
  .openapi('AdminSafeZonePage');

export const SafeZoneCsv = z.string().openapi({
  description:
    'text/csv (RFC 4180, UTF-8, at most 1 MB). Header row naming the columns name, address, kind, lat, lng, timezone and optionally ' +
    'phone and hours (e.g. "Mon-Fri 09:00-17:00; Sat 10:00-16:00"; "24/7"; empty = unknown).',
  example:
    'name,address,kind,lat,lng,phone,timezone,hours\r\nDemo zone,1 Main St,library,43.65,-79.38,,America/Toronto,Mon-Fri 09:00-17:00\r\n',
});

const zoneCount = (what: string) => z.number().int().nonnegative().openapi({ description: what });
export const ImportResult = z
  .object({
    created: zoneCount('rows at a place no zone had: new active zones'),
    updated: zoneCount("active zones at a row's place whose fields the row changed"),
    reactivated: zoneCount("deactivated zones at a row's place, active again with the row's fields"),
    unchanged: zoneCount('active zones already exactly as their row'),
  })
  .openapi('SafeZoneImportResult');

export type CreateSafeZoneInput = z.output<typeof CreateSafeZoneBody>;
export type UpdateSafeZoneInput = z.output<typeof UpdateSafeZoneBody>;
export type SafeZoneSearchInput = z.output<typeof SafeZoneSearchQuery>;
export type AdminSafeZonesInput = z.output<typeof AdminSafeZonesQuery>;
