import { decodeTimeCursor, encodeTimeCursor } from './time-cursor';

const ID = '0b6f3c1e-6a57-4c1c-9a55-5d8f0e7d2a10';
const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('time cursor', () => {
  it('round-trips the exact PostgreSQL text, microseconds and offset kept', () => {
    for (const key of ['2026-12-05 07:22:45.302532+00', '2026-12-05 02:22:45-05', '2026-12-05 12:52:45.3+05:30']) {
      expect(decodeTimeCursor(encodeTimeCursor({ key, id: ID }))).toEqual({ key, id: ID });
    }
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    // Date.parse takes these; PostgreSQL's ::timestamptz would refuse some with a 500.
    ['a bare number', raw(['1', ID])],
    ['an ISO string from a Date', raw(['2026-12-05T07:22:45.302Z', ID])],
    ['words', raw(['Tue, 01 Dec 2026', ID])],
    ['a bad id', raw(['2026-12-05 07:22:45.302532+00', 'x'])],
    // PostgreSQL's shape, but no such instant: ::timestamptz refuses these (22008) with a 500.
    ['31 February', raw(['2026-02-31 10:00:00+00', ID])],
    ['month 13', raw(['2026-13-05 10:00:00+00', ID])],
    ['hour 99', raw(['2026-12-05 99:00:00+00', ID])],
    ['year 0', raw(['0000-12-05 10:00:00+00', ID])],
    ['an offset of 99 hours', raw(['2026-12-05 10:00:00+99', ID])],
    ['an extra element', raw(['2026-12-05 07:22:45.302532+00', ID, 1])],
  ])('refuses %s with a 400 naming cursor', (_name, cursor) => {
    expect(() => decodeTimeCursor(cursor)).toThrow(
      expect.objectContaining({ kind: 'invalid', details: { errors: [expect.objectContaining({ field: 'cursor' })] } }),
    );
  });
});
