import { packCursor, unpackCursor, UUID } from '../../shared/cursor';
import { invalid } from '../../shared/errors';

/** Position after the last row of a page: its sort key (as PostgreSQL text, exact) and id. */
export interface BrowsePosition {
  sort: string;
  key: string;
  id: string;
}

/** Opaque cursor: the sort name, the last row's sort key and its id. */
export const encodeCursor = (p: BrowsePosition): string => packCursor([p.sort, p.key, p.id]);

/** PostgreSQL's ISO text of a timestamptz (`2026-11-22 10:00:00.123456+00`, offsets as `+05:30`), or `infinity`. */
const TIMESTAMPTZ = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::[0-5]\d){0,2}$/;
const INTEGER = /^-?\d{1,10}$/;
const FLOAT = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

function isTimestamptz(key: string): boolean {
  if (key === 'infinity') return true;
  const m = TIMESTAMPTZ.exec(key);
  if (!m) return false;
  const [year, month, day, hour, minute, second, offsetHours] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  const realDay = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return realDay && hour < 24 && minute < 60 && second < 60 && offsetHours <= 15;
}

/** A finite float8 the database reads back (not one that overflows or underflows to 0). */
function isFloat8(key: string): boolean {
  const n = Number(key);
  return FLOAT.test(key) && Number.isFinite(n) && (n !== 0 || !/[1-9]/.test(key.split(/e/i)[0]));
}

/**
 * Whether `key` is a value of the sort's key column (see browse.repository's sortSpec, and the
 * watchlist's watch time): the key is cast back in SQL, and a cast that fails there would be a 500.
 */
function isSortKey(sort: string, key: string): boolean {
  switch (sort) {
    case 'price_asc':
    case 'price_desc':
      return INTEGER.test(key) && Math.abs(Number(key)) <= 2_147_483_647;
    case 'distance':
      return isFloat8(key);
    default:
      return isTimestamptz(key);
  }
}

/** Decodes a cursor made for `sort`; a foreign, tampered or other-sort cursor is a 400 naming `cursor`. */
export function decodeCursor(cursor: string, sort: string): BrowsePosition {
  const [cursorSort, key, id] = unpackCursor(cursor, 3) ?? [];
  if (cursorSort !== sort || typeof key !== 'string' || key.length > 64 || !isSortKey(sort, key) || typeof id !== 'string' || !UUID.test(id)) {
    throw invalid([{ field: 'cursor', message: 'is not a cursor from this listing query (was the sort changed?)' }]);
  }
  return { sort, key, id };
}
