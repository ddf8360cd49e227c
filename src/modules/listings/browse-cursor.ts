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

/** Decodes a cursor made for `sort`; a foreign, tampered or other-sort cursor is a 400 naming `cursor`. */
export function decodeCursor(cursor: string, sort: string): BrowsePosition {
  const [cursorSort, key, id] = unpackCursor(cursor, 3) ?? [];
  if (cursorSort !== sort || typeof key !== 'string' || key.length > 64 || typeof id !== 'string' || !UUID.test(id)) {
    throw invalid([{ field: 'cursor', message: 'is not a cursor from this listing query (was the sort changed?)' }]);
  }
  return { sort, key, id };
}
