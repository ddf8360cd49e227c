/** Proxy bidding: increments, proxy pricing, the SPEC §2 and eBay examples, ties and leader raises. */
import { bidIncrementCents, minNextBidCents, recompute } from './engine';
import { accept, auction, bid, run } from './engine.test-support';

describe('bidIncrementCents', () => {
  test.each([
    [0, 5],
    [1, 5],
    [99, 5],
    [100, 25],
    [499, 25],
    [500, 50],
    [2_499, 50],
    [2_500, 100],
    [9_999, 100],
    [10_000, 250],
    [24_999, 250],
    [25_000, 500],
    [49_999, 500],
    [50_000, 1_000],
    [99_999, 1_000],
    [100_000, 2_500],
    [249_999, 2_500],
    [250_000, 5_000],
    [499_999, 5_000],
    [500_000, 10_000],
    [100_000_000, 10_000],
  ])('price %i → increment %i', (price, inc) => {
    expect(bidIncrementCents(price)).toBe(inc);
  });
});

describe('SPEC §2 example (start 500)', () => {
  const s0 = auction();
  const a = accept(s0, 'A', 1000);
  const b1 = accept(a.state, 'B', 800);
  const b2 = accept(b1.state, 'B', 1000);
  const c = accept(b2.state, 'C', 1500);

  test('no bids: price and minimum next bid are the starting price', () => {
    expect(s0.currentPriceCents).toBe(500);
    expect(minNextBidCents(s0)).toBe(500);
    expect(bid(s0, 'A', 499)).toEqual({ ok: false, error: { code: 'bid_too_low', minNextBidCents: 500 } });
  });

  test('A max 1000 → A leads at 500', () => {
    expect(a.outcome).toBe('leading');
    expect(a.state.currentPriceCents).toBe(500);
    expect(a.state.leader).toEqual({ bidderId: 'A', maxAmountCents: 1000, bidSeq: 1 });
    expect(a.records).toEqual([{ bidderId: 'A', amountCents: 500, maxAmountCents: 1000, isAutoBid: false, bidSeq: 1 }]);
    expect(a.displaced).toBeNull();
    expect(minNextBidCents(a.state)).toBe(550);
  });

  test('B max 800 → 850, A still leads and auto-bids', () => {
    expect(b1.outcome).toBe('outbid');
    expect(b1.state.currentPriceCents).toBe(850);
    expect(b1.state.leader?.bidderId).toBe('A');
    expect(b1.records).toEqual([
      { bidderId: 'B', amountCents: 800, maxAmountCents: 800, isAutoBid: false, bidSeq: 2 },
      { bidderId: 'A', amountCents: 850, maxAmountCents: 1000, isAutoBid: true, bidSeq: 3 },
    ]);
    expect(b1.state.nextBidSeq).toBe(4);
  });

  test('B max 1000 → 1000, A still leads (earlier bid at the same maximum)', () => {
    expect(b2.outcome).toBe('outbid');
    expect(b2.state.currentPriceCents).toBe(1000);
    expect(b2.state.leader?.bidderId).toBe('A');
    expect(b2.state.runnerUp).toEqual({ bidderId: 'B', maxAmountCents: 1000, bidSeq: 4 });
  });

  test('C max 1500 → 1050, C leads and A is displaced', () => {
    expect(c.outcome).toBe('leading');
    expect(c.state.currentPriceCents).toBe(1050);
    expect(c.state.leader?.bidderId).toBe('C');
    expect(c.displaced?.bidderId).toBe('A');
    // A's maximum equals the old price, so no extra auto record for A.
    expect(c.records).toEqual([
      { bidderId: 'C', amountCents: 1050, maxAmountCents: 1500, isAutoBid: false, bidSeq: 6 },
    ]);
    expect(c.state.runnerUp?.bidderId).toBe('A'); // A and B tie at 1000; A bid first
    expect(c.state.bidCount).toBe(4);
  });

  test('D 1060 → bid_too_low with min 1100', () => {
    expect(bid(c.state, 'D', 1060)).toEqual({ ok: false, error: { code: 'bid_too_low', minNextBidCents: 1100 } });
    expect(accept(c.state, 'D', 1100).outcome).toBe('outbid');
  });
});

describe('eBay automatic-bidding example (current bid $10, your max $25)', () => {
  test('your proxy bids one increment over others until someone tops your maximum', () => {
    let s = accept(auction({ startingPriceCents: 1000 }), 'X', 1000).state; // current bid $10.00
    const you = accept(s, 'you', 2500);
    expect(you.state.currentPriceCents).toBe(1050); // $10.50 = $10 + $0.50
    s = you.state;
    const other = accept(s, 'other', 1500);
    expect(other.outcome).toBe('outbid');
    expect(other.state.currentPriceCents).toBe(1550); // $15.50, you still lead
    const late = accept(other.state, 'late', 3000);
    expect(late.outcome).toBe('leading');
    expect(late.displaced?.bidderId).toBe('you');
    expect(late.state.currentPriceCents).toBe(2600); // your $25 + $1 increment
    expect(late.records.map((r) => [r.bidderId, r.amountCents, r.isAutoBid])).toEqual([
      ['you', 2500, true],
      ['late', 2600, false],
    ]);
    expect(late.records.map((r) => r.bidSeq)).toEqual([5, 6]);
    expect(late.state.leader?.bidSeq).toBe(6); // the command's own record keeps the standing's seq
  });

  test('a higher later maximum wins; the price stops at its own maximum when the gap is smaller than a step', () => {
    const { state } = run(auction({ startingPriceCents: 300 }), [
      ['John', 700],
      ['Jane', 600],
    ]);
    expect(state.leader?.bidderId).toBe('John');
    expect(state.currentPriceCents).toBe(650);
    const close = accept(state, 'Jane', 720);
    expect(close.state.leader?.bidderId).toBe('Jane');
    expect(close.state.currentPriceCents).toBe(720); // min(720, 700 + 50)
  });
});

describe('ties and leader raises', () => {
  test('equal maxima: the earlier bid leads, whatever the order of the live-bid list', () => {
    const { state, live } = run(auction(), [
      ['A', 1000],
      ['B', 1000],
    ]);
    expect(state.leader?.bidderId).toBe('A');
    expect(state.currentPriceCents).toBe(1000);
    expect(recompute(state, [...live].reverse()).leader?.bidderId).toBe('A');
  });

  test('the leader must exceed their own maximum', () => {
    const s = accept(auction(), 'A', 1000).state;
    expect(bid(s, 'A', 1000)).toEqual({ ok: false, error: { code: 'bid_not_higher' } });
    expect(bid(s, 'A', 600)).toEqual({ ok: false, error: { code: 'bid_not_higher' } });
    const raise = accept(s, 'A', 1200);
    expect(raise.outcome).toBe('leading');
    expect(raise.state.currentPriceCents).toBe(500); // raising your own max does not raise the price
    expect(raise.records).toEqual([
      { bidderId: 'A', amountCents: 500, maxAmountCents: 1200, isAutoBid: false, bidSeq: 2 },
    ]);
    expect(raise.displaced).toBeNull();
    expect(raise.state.leader).toEqual({ bidderId: 'A', maxAmountCents: 1200, bidSeq: 2 });
  });

  test('a leader tied with the runner-up may raise by less than an increment; the price follows the formula', () => {
    const { state } = run(auction(), [
      ['A', 1000],
      ['B', 1000],
    ]);
    expect(minNextBidCents(state)).toBe(1050);
    const raise = accept(state, 'A', 1010);
    expect(raise.state.currentPriceCents).toBe(1010); // min(1010, 1000 + 50)
  });

  test('only leader and runner-up are needed: a third-placed bidder re-bidding always beats the runner-up', () => {
    // A 2000 leads, C 900 is runner-up, B 800 is third and not tracked.
    const { state, live } = run(auction(), [
      ['A', 2000],
      ['B', 800],
      ['C', 900],
    ]);
    expect(state.runnerUp?.bidderId).toBe('C');
    // minNextBid > currentPrice ≥ runnerUp.max ≥ B's previous max, so B's next accepted bid outranks C.
    expect(minNextBidCents(state)).toBeGreaterThan(state.runnerUp?.maxAmountCents ?? Infinity);
    expect(bid(state, 'B', 900)).toEqual({ ok: false, error: { code: 'bid_too_low', minNextBidCents: 1000 } });
    const d = accept(state, 'B', 1000);
    expect(d.state.runnerUp?.bidderId).toBe('B');
    expect(d.state.currentPriceCents).toBe(1050);
    const all = [...live, { bidderId: 'B', maxAmountCents: 1000, bidSeq: d.records[0].bidSeq }];
    expect(recompute(d.state, all)).toEqual(d.state);
  });
});
