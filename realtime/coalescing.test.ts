import { coalesce, type Pending } from './coalescing';

const ev = (room: string, event: string, payload: Record<string, unknown>, extra: Partial<Pending['opts']> = {}): Pending => ({
  room,
  packet: { type: 2, data: [event, payload], nsp: '/' },
  opts: { rooms: new Set([room]), except: new Set(), flags: {}, ...extra },
});
const bid = (room: string, seq: number, price = seq * 100) =>
  ev(room, 'bid_placed', { listingId: room.slice(8), seq, currentPriceCents: price });
const summary = (out: Pending[]) =>
  out.map((p) => [
    p.room,
    p.packet.data[0],
    (p.packet.data[1] as { fromSeq?: number }).fromSeq ?? null,
    (p.packet.data[1] as { seq?: number }).seq ?? null,
  ]);

describe('coalesce', () => {
  it('leaves short runs alone (nothing to gain, and no surprise for clients that keep up)', () => {
    const input = [bid('listing:a', 1), bid('listing:a', 2)];
    expect(coalesce(input)).toEqual(input);
  });

  it('merges a run of consecutive bid_placed of one listing into the latest state with fromSeq', () => {
    const out = coalesce([bid('listing:a', 4), bid('listing:a', 5), bid('listing:a', 6, 999)]);
    expect(out).toHaveLength(1);
    expect(out[0].packet.data).toEqual(['bid_placed', { listingId: 'a', seq: 6, fromSeq: 4, currentPriceCents: 999 }]);
  });

  it('keeps per-listing order: another event of the listing ends the run; other listings do not', () => {
    const out = coalesce([
      bid('listing:a', 1),
      bid('listing:b', 7),
      bid('listing:a', 2),
      bid('listing:a', 3),
      ev('listing:a', 'auction_extended', { seq: 4 }),
      bid('listing:a', 5),
      bid('listing:a', 6),
      bid('listing:a', 7),
      bid('listing:a', 9),
    ]);
    expect(summary(out)).toEqual([
      ['listing:a', 'bid_placed', 1, 3],
      ['listing:b', 'bid_placed', null, 7],
      ['listing:a', 'auction_extended', null, 4],
      ['listing:a', 'bid_placed', 5, 7],
      ['listing:a', 'bid_placed', null, 9],
    ]);
  });

  it('never merges broadcasts with exclusions or flags', () => {
    const input = [1, 2, 3].map((seq) => ({
      ...bid('listing:a', seq),
      opts: { rooms: new Set(['listing:a']), except: new Set(['x']), flags: {} },
    }));
    expect(coalesce(input)).toHaveLength(3);
  });
});
