import { AppError } from '../../shared/errors';
import { decodeCursor, encodeCursor } from './browse-cursor';

const id = '0b6f1f5e-6a47-4c1e-9a3c-1d2f3e4a5b6c';

describe('browse cursor', () => {
  it('round-trips the position', () => {
    const cursor = encodeCursor({ sort: 'newest', key: '2026-11-22 10:00:00.123456+00', id });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'newest')).toEqual({ sort: 'newest', key: '2026-11-22 10:00:00.123456+00', id });
  });

  it.each([
    ['garbage', 'not-base64-json'],
    ['another sort', encodeCursor({ sort: 'price_asc', key: '500', id })],
    ['a bad id', Buffer.from(JSON.stringify(['newest', 'x', "1' OR 1=1"])).toString('base64url')],
  ])('refuses %s with a 400 naming cursor', (_name, cursor) => {
    expect.assertions(2);
    try {
      decodeCursor(cursor, 'newest');
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).details.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    }
  });
});
