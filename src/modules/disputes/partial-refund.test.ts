import { assertPartialRefund, sellerPayoutAfterPartialRefund } from './partial-refund';

const tx = { amountCents: 10_000, commissionBps: 600, escrowFeeCents: 199, refundedCents: 0 };

describe('partial refund rule (SPEC §1)', () => {
  it('pays the seller what is left minus commission on it and the escrow fee', () => {
    // kept 7000 → commission 420 → 7000 − 420 − 199
    expect(sellerPayoutAfterPartialRefund(tx, 3000)).toBe(6381);
    // kept 1 → commission round-half-up(0.06) = 0 → 1 − 0 − 199
    expect(sellerPayoutAfterPartialRefund(tx, 9999)).toBe(-198);
  });

  it('accepts 0 < x < amount with a payout of at least 0', () => {
    expect(assertPartialRefund(tx, 3000)).toBe(6381);
    // kept 213 → commission 13 → 213 − 13 − 199 = 1: the smallest positive payout
    expect(assertPartialRefund(tx, 9787)).toBe(1);
    // kept 212 → commission 13 → 212 − 13 − 199 = 0: SPEC §1 refuses only a negative payout
    expect(assertPartialRefund(tx, 9788)).toBe(0);
  });

  it.each([[undefined], [0], [-5], [10_000], [12_000], [9789], [9999]])('refuses %p with a 422 naming amountCents', (x) => {
    expect(() => assertPartialRefund(tx, x)).toThrow(
      expect.objectContaining({
        kind: 'unprocessable',
        code: 'invalid_partial_refund',
        details: { errors: [expect.objectContaining({ field: 'amountCents' })] },
      }),
    );
  });
});
