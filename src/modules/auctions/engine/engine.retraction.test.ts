/** Retraction window and recomputing the standings after bids are removed. */
import { canRetract, minNextBidCents, recompute } from './engine';
import { END, HOUR, MIN, START, accept, auction, run } from './engine.test-support';

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
