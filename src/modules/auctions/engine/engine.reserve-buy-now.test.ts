/** Reserve pricing (and the close outcome it decides) and buy-now availability. */
import { closeOutcome, isBuyNowAvailable, isReserveMet, minNextBidCents, recompute } from './engine';
import { accept, auction, bid, run } from './engine.test-support';

describe('reserve', () => {
  const reserved = auction({ reservePriceCents: 2000, buyNowPriceCents: 5000 });

  test('below the reserve: price stays low and minNextBid does not reveal it', () => {
    const d = accept(reserved, 'A', 1000);
    expect(d.state.currentPriceCents).toBe(500);
    expect(d.reserveMet).toBe(false);
    expect(minNextBidCents(d.state)).toBe(550);
  });

  test('a lone bidder at the reserve jumps to the reserve', () => {
    const d = accept(reserved, 'A', 2000);
    expect(d.state.currentPriceCents).toBe(2000);
    expect(d.reserveMet).toBe(true);
  });

  test('a challenger reaching the reserve jumps the price to it', () => {
    const d = accept(accept(reserved, 'A', 1000).state, 'B', 3000);
    expect(d.state.currentPriceCents).toBe(2000); // not 1050
    expect(d.reserveMet).toBe(true);
    expect(d.records.map((r) => [r.bidderId, r.amountCents, r.isAutoBid])).toEqual([
      ['A', 1000, true],
      ['B', 2000, false],
    ]);
  });

  test('the leader raising to the reserve jumps the price to it', () => {
    const d = accept(accept(reserved, 'A', 1000).state, 'A', 2500);
    expect(d.state.currentPriceCents).toBe(2000);
    expect(d.records).toEqual([
      { bidderId: 'A', amountCents: 2000, maxAmountCents: 2500, isAutoBid: false, bidSeq: 2 },
    ]);
    expect(isReserveMet(d.state)).toBe(true);
  });

  test('competition above the reserve prices normally', () => {
    const { state } = run(reserved, [
      ['A', 3000],
      ['B', 2500],
    ]);
    expect(state.currentPriceCents).toBe(2600);
  });

  test('once the leader is past the reserve, challengers must bid above it', () => {
    const lone = accept(reserved, 'A', 3000).state;
    expect(minNextBidCents(lone)).toBe(2050);
    expect(bid(lone, 'B', 1999)).toEqual({ ok: false, error: { code: 'bid_too_low', minNextBidCents: 2050 } });
    expect(accept(lone, 'B', 2100).state.currentPriceCents).toBe(2150);
  });

  test('reserve never reached → unsold; reached → sold at the current price', () => {
    const unmet = run(reserved, [
      ['A', 1000],
      ['B', 1500],
    ]).state;
    expect(isReserveMet(unmet)).toBe(false);
    expect(closeOutcome(unmet)).toEqual({ sold: false });
    const met = accept(unmet, 'B', 2000).state;
    expect(closeOutcome(met)).toEqual({ sold: true, winnerId: 'B', finalPriceCents: 2000 });
  });

  test('no reserve: sold to the leader; no bids: unsold', () => {
    expect(closeOutcome(auction())).toEqual({ sold: false });
    const { state } = run(auction(), [
      ['A', 1000],
      ['B', 700],
    ]);
    expect(closeOutcome(state)).toEqual({ sold: true, winnerId: 'A', finalPriceCents: 750 });
  });
});

describe('buy-now availability', () => {
  test('fixed-price listing: available, and bids are refused', () => {
    const s = auction({ auctionType: 'fixed', buyNowPriceCents: 3000 });
    expect(isBuyNowAvailable(s)).toBe(true);
    expect(bid(s, 'A', 3000)).toEqual({ ok: false, error: { code: 'auction_not_active' } });
  });

  test('without a reserve: only until the first bid', () => {
    const s = auction({ auctionType: 'both', buyNowPriceCents: 3000 });
    expect(isBuyNowAvailable(s)).toBe(true);
    expect(isBuyNowAvailable(accept(s, 'A', 600).state)).toBe(false);
  });

  test('with a reserve: until the reserve is met', () => {
    const s = auction({ auctionType: 'both', reservePriceCents: 2000, buyNowPriceCents: 3000 });
    const below = accept(s, 'A', 1999).state;
    expect(isBuyNowAvailable(below)).toBe(true);
    expect(isBuyNowAvailable(accept(below, 'B', 2000).state)).toBe(false);
  });

  test('never without a buy-now price or when not active', () => {
    expect(isBuyNowAvailable(auction())).toBe(false);
    expect(isBuyNowAvailable(auction({ buyNowPriceCents: 3000, status: 'scheduled' }))).toBe(false);
    expect(isBuyNowAvailable(auction({ auctionType: 'fixed', buyNowPriceCents: 3000, status: 'ended_sold' }))).toBe(
      false,
    );
  });

  test('available again once every bid is retracted', () => {
    const s = accept(auction({ buyNowPriceCents: 3000 }), 'A', 600).state;
    expect(isBuyNowAvailable(recompute(s, []))).toBe(true);
  });
});
