import { packCursor, unpackCursor, UUID } from './cursor';
import { invalid } from './errors';

/** Where the next page of a newest-first list starts: the last row's created_at as PostgreSQL text, and its id. */
export interface TimePosition {
  key: string;
  id: string;
}

/** `timestamptz::text` in the ISO DateStyle, e.g. `2026-12-05 07:22:45.302532+00` (any session time zone). */
const PG_TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

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
  if (typeof key !== 'string' || !PG_TIMESTAMPTZ.test(key) || typeof id !== 'string' || !UUID.test(id)) {
    throw invalid([{ field: 'cursor', message: 'must be a cursor from a previous page' }]);
  }
  return { key, id };
}
