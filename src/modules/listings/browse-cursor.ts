import { invalid } from '../../shared/errors';

/** Position after the last row of a page: its sort key (as PostgreSQL text, exact) and id. */
export interface BrowsePosition {
  sort: string;
  key: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opaque cursor: base64url of the sort name, the last row's sort key and its id. */
export const encodeCursor = (p: BrowsePosition): string => Buffer.from(JSON.stringify([p.sort, p.key, p.id])).toString('base64url');

/** Decodes a cursor made for `sort`; a foreign, tampered or other-sort cursor is a 400 naming `cursor`. */
export function decodeCursor(cursor: string, sort: string): BrowsePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    parsed[0] === sort &&
    typeof parsed[1] === 'string' &&
    parsed[1].length <= 64 &&
    typeof parsed[2] === 'string' &&
    UUID.test(parsed[2]);
  if (!ok) throw invalid([{ field: 'cursor', message: 'is not a cursor from this listing query (was the sort changed?)' }]);
  const [, key, id] = parsed as [string, string, string];
  return { sort, key, id };
}
