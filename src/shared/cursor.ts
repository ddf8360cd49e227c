/**
 * Opaque page cursors: a list route's position as a JSON array, base64url-encoded. Each list decides
 * what its array holds and checks every element on the way back in (a cursor is client input); these
 * two only pack and unpack.
 */

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const packCursor = (fields: readonly unknown[]): string => Buffer.from(JSON.stringify(fields)).toString('base64url');

/** The cursor's array, or undefined for anything that is not base64url JSON holding an array of `length`. */
export function unpackCursor(cursor: string, length: number): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(parsed) && parsed.length === length ? parsed : undefined;
  } catch {
    return undefined;
  }
}
