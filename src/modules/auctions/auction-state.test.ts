import { initialState, placeBid, type AuctionState } from '../auctions/engine/engine';
import { auctionStateColumns, auctionStateOf, type AuctionStateRow } from './auction-state';

const startsAt = new Date('2026-11-22T10:00:00Z');
const endsAt = new Date('2026-11-29T10:00:00Z');
const cfg = { softCloseWindowMs: 120_000, softCloseExtensionMs: 120_000 };

const published: AuctionStateRow = {
  id: 'l1',
  sellerId: 'seller',
  auctionType: 'both',
  status: 'active',
  startingPriceCents: 500,
  reservePriceCents: 2000,
  buyNowPriceCents: 5000,
  startsAt,
  endsAt,
  currentPriceCents: 500,
  bidCount: 0,
  leaderId: null,
  leaderMaxCents: null,
  leaderSeq: null,
  runnerUpId: null,
  runnerUpMaxCents: null,
  runnerUpSeq: null,
  nextBidSeq: 1,
};

/** Applies the columns the bid worker would write to a row. */
const persist = (row: AuctionStateRow, state: AuctionState): AuctionStateRow => ({ ...row, ...auctionStateColumns(state) });

describe('auctionStateOf / auctionStateColumns', () => {
  it('maps a fresh published row to the engine initial state', () => {
    const terms = { sellerId: 'seller', auctionType: 'both' as const, status: 'active' as const, startingPriceCents: 500 };
    expect(auctionStateOf(published)).toEqual(
      initialState({ ...terms, reservePriceCents: 2000, buyNowPriceCents: 5000, startsAt: startsAt.getTime(), endsAt: endsAt.getTime() }),
    );
  });

  it('round-trips the state through the columns after real bids', () => {
    let row = published;
    const bids = [
      { bidderId: 'a', maxAmountCents: 1000, receivedAt: startsAt.getTime() + 1000 },
      { bidderId: 'b', maxAmountCents: 800, receivedAt: startsAt.getTime() + 2000 },
      { bidderId: 'c', maxAmountCents: 2500, receivedAt: startsAt.getTime() + 3000 },
    ];
    for (const bid of bids) {
      const decision = placeBid(auctionStateOf(row), bid, cfg);
      if (!decision.ok) throw new Error(decision.error.code);
      row = persist(row, decision.state);
      expect(auctionStateOf(row)).toEqual(decision.state);
    }
    expect(row).toMatchObject({ leaderId: 'c', leaderMaxCents: 2500, runnerUpId: 'a', currentPriceCents: 2000, bidCount: 3 });
    expect(auctionStateColumns(auctionStateOf(row))).toMatchObject({ reserveMet: true, endsAt, status: 'active' });
  });

  it('reports an unmet reserve and writes endsAt back as a Date', () => {
    const decision = placeBid(auctionStateOf(published), { bidderId: 'a', maxAmountCents: 900, receivedAt: startsAt.getTime() + 1 }, cfg);
    if (!decision.ok) throw new Error(decision.error.code);
    const columns = auctionStateColumns(decision.state);
    expect(columns.reserveMet).toBe(false);
    expect(columns.endsAt).toBeInstanceOf(Date);
    expect(columns.endsAt.getTime()).toBe(endsAt.getTime());
  });

  it('refuses a draft without a schedule', () => {
    expect(() => auctionStateOf({ ...published, status: 'draft', startsAt: null, endsAt: null })).toThrow(/never published/);
  });
});
