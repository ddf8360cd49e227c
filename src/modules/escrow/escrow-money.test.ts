import fc from 'fast-check';
import { chargeMovement, refundMovement, releaseMovement, reversalCents, reversalMovement } from './escrow-money';
import { partialRefundPayoutCents, releasePayoutCents, settlementFor } from '../transactions';

const tx = (amountCents: number, refundedCents = 0) => ({ id: 't1', amountCents, refundedCents, commissionBps: 600, escrowFeeCents: 199 });
const sum = (m: { lines: Array<{ amountCents: number }> }) => m.lines.reduce((acc, l) => acc + l.amountCents, 0);
const line = (m: { lines: Array<{ account: string; amountCents: number }> }, account: string) =>
  m.lines.find((l) => l.account === account)?.amountCents ?? 0;

describe('escrow money (SPEC §1)', () => {
  it('pays the seller amount − 6% − 199: 10000 → 9201', () => {
    expect(releasePayoutCents(tx(10_000))).toBe(9_201);
    expect(settlementFor(10_000, tx(10_000))).toEqual({ sellerCents: 9_201, commissionCents: 600, escrowFeeCents: 199 });
  });

  it('rounds the commission half-up to the cent', () => {
    expect(settlementFor(1_025, tx(1_025)).commissionCents).toBe(62); // 61.5 → 62
    expect(settlementFor(1_024, tx(1_024)).commissionCents).toBe(61); // 61.44 → 61
  });

  it('after a partial refund x the seller gets (amount − x) − commission(amount − x) − fee', () => {
    expect(partialRefundPayoutCents(tx(10_000), 3_000)).toBe(7_000 - 420 - 199);
    expect(releasePayoutCents(tx(10_000, 3_000))).toBe(6_381);
    // A refund that leaves nothing after fees is refused by the resolve route (422).
    expect(partialRefundPayoutCents(tx(1_000), 800)).toBeLessThanOrEqual(0);
    expect(partialRefundPayoutCents(tx(1_000), 700)).toBeGreaterThan(0);
  });

  it('keeps nothing back when nothing is kept', () => {
    expect(settlementFor(0, tx(500))).toEqual({ sellerCents: 0, commissionCents: 0, escrowFeeCents: 0 });
    expect(reversalCents(tx(10_000), 10_000)).toBe(9_201);
  });

  it('posts balanced movements whose escrow lines cancel out over a payment and its release', () => {
    fc.assert(
      fc.property(fc.integer({ min: 500, max: 10_000_000 }), (amount) => {
        const charge = chargeMovement('t1', amount, 'ch_1');
        const release = releaseMovement(tx(amount), 'tr_1');
        expect(sum(charge)).toBe(0);
        expect(sum(release)).toBe(0);
        expect(line(charge, 'escrow:t1') + line(release, 'escrow:t1')).toBe(0);
        expect(-line(release, 'stripe_balance')).toBe(releasePayoutCents(tx(amount)));
      }),
    );
  });

  it('a reversal then a refund of x after a release leave escrow at zero and the seller with the settlement of the rest', () => {
    fc.assert(
      fc.property(fc.integer({ min: 500, max: 1_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (amount, f) => {
        const x = Math.max(1, Math.min(amount, Math.floor(amount * f)));
        const reversal = reversalMovement(tx(amount), x, 'trr_1');
        const refund = refundMovement('t1', x, 're_1');
        expect(sum(reversal)).toBe(0);
        expect(line(reversal, 'escrow:t1') + line(refund, 'escrow:t1')).toBe(0);
        const sellerKeeps = releasePayoutCents(tx(amount)) - line(reversal, 'stripe_balance');
        expect(sellerKeeps).toBe(Math.max(0, settlementFor(amount - x, tx(amount)).sellerCents));
      }),
    );
  });
});
