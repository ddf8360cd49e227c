import {
  bidIncrementCents,
  canRetract,
  closeOutcome,
  initialState,
  isBuyNowAvailable,
  isReserveMet,
  minNextBidCents,
  placeBid,
  recompute,
} from './engine';
import type { AuctionState, AuctionTerms, BidDecision, EngineConfig, LiveBid } from './engine';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = 1_700_000_000_000;
const END = START + 24 * HOUR;
const CFG: EngineConfig = { softCloseWindowMs: 2 * MIN, softCloseExtensionMs: 2 * MIN };
const EARLY = START + HOUR; // far from the end: no soft close

type Accepted = Extract<BidDecision, { ok: true }>;

function auction(over: Partial<AuctionTerms> = {}): AuctionState {
  return initialState({
    sellerId: 'seller',
    auctionType: 'auction',
    status: 'active',
    startingPriceCents: 500,
    reservePriceCents: null,
    buyNowPriceCents: null,
    startsAt: START,
    endsAt: END,
    ...over,
  });
}

function bid(s: AuctionState, bidderId: string, max: number, receivedAt = EARLY, cfg = CFG): BidDecision {
  return placeBid(s, { bidderId, maxAmountCents: max, receivedAt }, cfg);
}

function accept(s: AuctionState, bidderId: string, max: number, receivedAt = EARLY, cfg = CFG): Accepted {
  const d = bid(s, bidderId, max, receivedAt, cfg);
  if (!d.ok) throw new Error(`expected ${bidderId} ${max} to be accepted, got ${d.error.code}`);
  return d;
}

/** Applies accepted bids in order and returns the final state plus every bid command as a live bid. */
function run(s: AuctionState, bids: Array<[string, number]>): { state: AuctionState; live: LiveBid[] } {
  const live: LiveBid[] = [];
  for (const [who, max] of bids) {
    const d = accept(s, who, max);
    const own = d.records.find((r) => !r.isAutoBid);
    if (!own) throw new Error('no own record');
    live.push({ bidderId: own.bidderId, maxAmountCents: own.maxAmountCents, bidSeq: own.bidSeq });
    s = d.state;
  }
  return { state: s, live };
}

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

describe('retraction', () => {
  test('allowed while more than 12 h remain, whenever the bid was placed', () => {
    const s = auction();
    expect(canRetract(s, START, END - 12 * HOUR - 1)).toBe(true);
    expect(canRetract(s, START, END - 12 * HOUR)).toBe(false);
  });

  test('in the last 12 h only within 1 h of the bidder’s latest bid', () => {
    const s = auction();
    const now = END - HOUR;
    expect(canRetract(s, now - 59 * MIN, now)).toBe(true);
    expect(canRetract(s, now - HOUR, now)).toBe(true);
    expect(canRetract(s, now - HOUR - 1, now)).toBe(false);
  });

  test('never unless active and before the end', () => {
    expect(canRetract(auction({ status: 'ended_sold' }), START, START + MIN)).toBe(false);
    expect(canRetract(auction(), END - 1, END)).toBe(false);
  });

  test('recompute after removing a bidder’s bids rebuilds price, leader and count, keeping the end', () => {
    const { state, live } = run(auction(), [
      ['A', 1000],
      ['B', 800],
      ['C', 1500],
      ['B', 1200],
    ]);
    const extended = accept(state, 'D', 1300, END - 1000);
    const liveD = [...live, { bidderId: 'D', maxAmountCents: 1300, bidSeq: extended.records[0].bidSeq }];
    expect(extended.state.currentPriceCents).toBe(1350);
    const noC = recompute(
      extended.state,
      liveD.filter((b) => b.bidderId !== 'C'),
    );
    expect(noC.leader?.bidderId).toBe('D');
    expect(noC.runnerUp?.bidderId).toBe('B');
    expect(noC.currentPriceCents).toBe(1250);
    expect(noC.bidCount).toBe(4);
    expect(noC.endsAt).toBe(extended.state.endsAt);
    expect(noC.nextBidSeq).toBe(extended.state.nextBidSeq);
    const onlyA = recompute(
      noC,
      liveD.filter((b) => b.bidderId === 'A'),
    );
    expect(onlyA).toMatchObject({ currentPriceCents: 500, runnerUp: null, bidCount: 1 });
    const none = recompute(onlyA, []);
    expect(none).toMatchObject({ leader: null, currentPriceCents: 500, bidCount: 0 });
    expect(minNextBidCents(none)).toBe(500);
  });

  test('recompute over all live bids equals the incrementally built state', () => {
    const { state, live } = run(auction({ reservePriceCents: 1200 }), [
      ['A', 1000],
      ['B', 800],
      ['A', 1300],
      ['C', 1500],
    ]);
    expect(recompute(state, live)).toEqual(state);
    // The list order does not matter: each bidder's highest maximum counts, not their last row.
    expect(recompute(state, [...live].reverse())).toEqual(state);
  });
});
