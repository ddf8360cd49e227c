import type { SafeZoneKind, WeeklyHours } from '../../../db/schema';
import { csvHeaderErrors, parseCsv, type CsvCellError } from '../../shared/csv-reader';
import { canonicalTimeZone, parseHoursText } from './opening-hours';
import { SAFE_ZONE_KINDS } from './safe-zones.schemas';

/** Reading a partner list from CSV into zones, every bad cell reported (pure: no database). */

export interface CsvZone {
  name: string;
  address: string;
  kind: SafeZoneKind;
  lat: number;
  lng: number;
  phone: string | null;
  timezone: string;
  hours: WeeklyHours | null;
}

/** `lines[i]`: the line `zones[i]` starts on (header = line 1). */
export type ZonesCsvRead = { ok: true; zones: CsvZone[]; lines: number[] } | { ok: false; errors: CsvCellError[] };

const REQUIRED = ['name', 'address', 'kind', 'lat', 'lng', 'timezone'] as const;
const OPTIONAL = ['phone', 'hours'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];
const KNOWN: readonly string[] = [...REQUIRED, ...OPTIONAL];
const DECIMAL = /^[-+]?\d{1,3}(\.\d+)?$/;
const E164 = /^\+[1-9]\d{6,14}$/;

type Cell<T> = { value: T } | { error: string };

function text(max: number) {
  return (raw: string): Cell<string> => {
    const value = raw.trim();
    if (value === '') return { error: 'is required' };
    return value.length > max ? { error: `is longer than ${max} characters` } : { value };
  };
}

function coordinate(limit: number) {
  return (raw: string): Cell<number> => {
    const value = raw.trim();
    if (!DECIMAL.test(value)) return { error: 'must be a decimal number' };
    const n = Number(value);
    return Math.abs(n) > limit ? { error: `must be within ±${limit}` } : { value: n };
  };
}

/** How each column's text becomes a value, or why it cannot. */
const READERS: { [C in Column]: (raw: string) => Cell<CsvZone[C]> } = {
  name: text(200),
  address: text(300),
  kind: (raw) => {
    const value = raw.trim().toLowerCase();
    return (SAFE_ZONE_KINDS as readonly string[]).includes(value)
      ? { value: value as SafeZoneKind }
      : { error: `must be one of ${SAFE_ZONE_KINDS.join(', ')}` };
  },
  lat: coordinate(90),
  lng: coordinate(180),
  phone: (raw) => {
    const value = raw.trim();
    if (value === '') return { value: null };
    return E164.test(value) ? { value } : { error: 'must be an E.164 phone number such as +14165550100' };
  },
  timezone: (raw) => {
    const value = canonicalTimeZone(raw.trim());
    return value ? { value } : { error: 'must be an IANA time zone such as America/Toronto' };
  },
  hours: (raw) => {
    const parsed = parseHoursText(raw);
    return parsed.ok ? { value: parsed.hours } : { error: parsed.message };
  },
};

/**
 * Reads the CSV (header row first, columns in any order, names in lower case) into zones, or every
 * problem found: bad quoting stops at once, otherwise every bad cell of every row is listed.
 */
export function readZonesCsv(csv: string): ZonesCsvRead {
  const parsed = parseCsv(csv);
  if (!parsed.ok) return { ok: false, errors: [{ line: parsed.line, column: null, message: parsed.message }] };
  const [head, ...rows] = parsed.records;
  if (!head) return { ok: false, errors: [{ line: 1, column: null, message: 'the file is empty (a header row is required)' }] };
  const header = head.cells.map((c) => c.trim().toLowerCase());
  const errors = csvHeaderErrors(header, KNOWN, REQUIRED);
  if (errors.length) return { ok: false, errors };
  if (rows.length === 0) return { ok: false, errors: [{ line: 1, column: null, message: 'the file has a header row but no zones' }] };
  const zones: CsvZone[] = [];
  const lines: number[] = [];
  for (const row of rows) {
    if (row.cells.length !== header.length) {
      errors.push({ line: row.line, column: null, message: `has ${row.cells.length} fields, the header has ${header.length}` });
      continue;
    }
    const zone: Record<string, unknown> = { phone: null, hours: null };
    header.forEach((column, i) => {
      const cell = READERS[column as Column](row.cells[i]);
      if ('error' in cell) errors.push({ line: row.line, column, message: cell.error });
      else zone[column] = cell.value;
    });
    zones.push(zone as unknown as CsvZone);
    lines.push(row.line);
  }
  return errors.length ? { ok: false, errors } : { ok: true, zones, lines };
}
