import { packCursor, unpackCursor, UUID } from './cursor';
import { invalid } from './errors';

/** Where the next page of a newest-first list starts: the last row's created_at as PostgreSQL text, and its id. */
export interface TimePosition {
  key: string;
  id: string;
}

/** `timestamptz::text` in the ISO DateStyle, e.g. `2026-12-05 07:22:45.302532+00` (any session time zone). */
const PG_TIMESTAMPTZ = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::(\d{2}))?(?::(\d{2}))?$/;

const daysIn = (year: number, month: number) =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/**
 * The shape PostgreSQL writes, and a real instant: a 31 February or an offset of 99 hours has the
 * shape but `::timestamptz` refuses it (an error, i.e. a 500, instead of the 400 a bad cursor gets).
 */
function isPgTimestamptz(key: string): boolean {
  const m = PG_TIMESTAMPTZ.exec(key);
  if (!m) return false;
  // An offset's absent minutes and seconds are 0.
  const [year, month, day, hour, minute, second, offHours, offMinutes, offSeconds] = m.slice(1).map((v) => Number(v ?? 0));
  const clock = hour <= 23 && minute <= 59 && second <= 59;
  const offset = offHours <= 15 && offMinutes <= 59 && offSeconds <= 59;
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) && clock && offset;
}

/**
 * Opaque cursor of the last row's created_at as PostgreSQL text and its id. The text keeps the
 * microseconds a JavaScript Date drops: rows written by one statement share now(), so a millisecond
 * key skipped every one of them after the first page. Compare with `(created_at, id) < (key::timestamptz, id)`.
 */
export const encodeTimeCursor = (p: TimePosition): string => packCursor([p.key, p.id]);

/**
 * Decodes a cursor; a forged or foreign one is a 400 naming `cursor`. The key must have the exact shape
 * PostgreSQL writes, so nothing reaches `::timestamptz` that PostgreSQL would refuse with a 500.
 */
export function decodeTimeCursor(cursor: string): TimePosition {
  const [key, id] = unpackCursor(cursor, 2) ?? [];
  if (typeof key !== 'string' || !isPgTimestamptz(key) || typeof id !== 'string' || !UUID.test(id)) {
    throw invalid([{ field: 'cursor', message: 'must be a cursor from a previous page' }]);
  }
  return { key, id };
}
