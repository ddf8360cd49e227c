/** Timing: soft close, deadline fairness, and bids refused while the auction is not active. */
import type { EngineConfig } from './engine';
import { END, MIN, START, accept, auction, bid } from './engine.test-support';

describe('soft close (window 2 min, extension 2 min)', () => {
  const led = accept(auction(), 'A', 1000).state;

  test('a non-leader bid inside the window extends to receivedAt + extension', () => {
    const d = accept(led, 'B', 2000, END - 30_000);
    expect(d.extended).toBe(true);
    expect(d.state.endsAt).toBe(END - 30_000 + 2 * MIN);
  });

  test('a challenger that stays behind also extends (anyone but the leader)', () => {
    const d = accept(led, 'B', 600, END - 1);
    expect(d.outcome).toBe('outbid');
    expect(d.state.endsAt).toBe(END - 1 + 2 * MIN);
  });

  test('the first bid inside the window extends', () => {
    expect(accept(auction(), 'A', 600, END - MIN).state.endsAt).toBe(END + MIN);
  });

  test('exactly at the window edge: no extension; one ms inside: extends', () => {
    // A longer extension than the window, so that extending at the edge would be visible.
    const long: EngineConfig = { softCloseWindowMs: 2 * MIN, softCloseExtensionMs: 5 * MIN };
    const edge = accept(led, 'B', 2000, END - 2 * MIN, long);
    expect(edge.extended).toBe(false);
    expect(edge.state.endsAt).toBe(END);
    expect(accept(led, 'B', 2000, END - 2 * MIN + 1, long).state.endsAt).toBe(END + 3 * MIN + 1);
    expect(accept(led, 'B', 2000, END - 2 * MIN + 1).state.endsAt).toBe(END + 1);
  });

  test('rejected bids and leader raises never extend', () => {
    expect(bid(led, 'B', 510, END - 1000).ok).toBe(false);
    const raise = accept(led, 'A', 5000, END - 1000);
    expect(raise.extended).toBe(false);
    expect(raise.state.endsAt).toBe(END);
  });

  test('the extension never shortens the auction', () => {
    const short: EngineConfig = { softCloseWindowMs: 2 * MIN, softCloseExtensionMs: 30_000 };
    const d = accept(led, 'B', 2000, END - 90_000, short);
    expect(d.extended).toBe(false);
    expect(d.state.endsAt).toBe(END);
    // A later-decided bid stamped earlier than one that already extended cannot pull the end back.
    const ext = accept(led, 'B', 2000, END - 10_000);
    const late = accept(ext.state, 'C', 3000, END - 100_000);
    expect(late.state.endsAt).toBe(END + 110_000);
  });
});

describe('deadline fairness and validation', () => {
  const led = accept(auction(), 'A', 1000).state;

  test('a bid received before endsAt counts even if it is decided after the deadline', () => {
    // The engine has no clock: only receivedAt vs the stored endsAt matters.
    expect(accept(led, 'B', 2000, END - 1).outcome).toBe('leading');
  });

  test('received exactly at or after endsAt → auction_ended', () => {
    expect(bid(led, 'B', 2000, END)).toEqual({ ok: false, error: { code: 'auction_ended' } });
    expect(bid(led, 'B', 2000, END + 5)).toEqual({ ok: false, error: { code: 'auction_ended' } });
  });

  test('the stored endsAt (after an extension) is the deadline', () => {
    const ext = accept(led, 'B', 2000, END - 1).state;
    expect(accept(ext, 'C', 3000, END + 60_000).outcome).toBe('leading');
  });

  test('sellers cannot bid on their own listing', () => {
    expect(bid(led, 'seller', 5000)).toEqual({ ok: false, error: { code: 'own_listing' } });
  });

  test.each(['draft', 'scheduled', 'cancelled'] as const)(
    'status %s → auction_not_active',
    (status) => {
      expect(bid(auction({ status }), 'A', 1000)).toEqual({ ok: false, error: { code: 'auction_not_active' } });
    },
  );

  // A late bid gets the same answer whether it is decided just before or just after the close.
  test.each(['ended_sold', 'ended_unsold'] as const)('status %s → auction_ended', (status) => {
    expect(bid(auction({ status }), 'A', 1000)).toEqual({ ok: false, error: { code: 'auction_ended' } });
  });

  test('received before startsAt → auction_not_active', () => {
    expect(bid(auction(), 'A', 1000, START - 1)).toEqual({ ok: false, error: { code: 'auction_not_active' } });
    expect(accept(auction(), 'A', 1000, START).outcome).toBe('leading');
  });

  test.each([0, -100, 10.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('amount %p → invalid_amount', (amount) => {
    expect(bid(led, 'B', amount)).toEqual({ ok: false, error: { code: 'invalid_amount' } });
  });

  test('checks run in SPEC order', () => {
    expect(bid(auction({ status: 'scheduled' }), 'seller', 0, END)).toMatchObject({
      error: { code: 'auction_not_active' },
    });
    expect(bid(led, 'seller', 0, END)).toMatchObject({ error: { code: 'auction_ended' } });
    expect(bid(auction({ auctionType: 'fixed' }), 'seller', 0)).toMatchObject({ error: { code: 'own_listing' } });
    expect(bid(auction({ auctionType: 'fixed' }), 'A', 0)).toMatchObject({ error: { code: 'auction_not_active' } });
    expect(bid(led, 'A', 0)).toMatchObject({ error: { code: 'invalid_amount' } });
  });
});
