import { commissionCents, sellerPayoutCents } from './money';

describe('fees (SPEC §1)', () => {
  const fees = { commissionBps: 600, escrowFeeCents: 199 };

  it('takes 6% commission and the escrow fee from the seller: 10000 → 9201', () => {
    expect(commissionCents(10000, 600)).toBe(600);
    expect(sellerPayoutCents(10000, fees)).toBe(9201);
  });

  it('rounds commission half-up to the cent', () => {
    expect(commissionCents(1025, 600)).toBe(62); // 61.5 → 62
    expect(commissionCents(1024, 600)).toBe(61); // 61.44 → 61
    expect(commissionCents(1009, 600)).toBe(61); // 60.54 → 61
    expect(commissionCents(1008, 600)).toBe(60); // 60.48 → 60
  });

  it('leaves a positive payout at the minimum price of 500 cents', () => {
    expect(sellerPayoutCents(500, fees)).toBe(500 - 30 - 199);
  });

  it('refuses fractional or negative amounts', () => {
    expect(() => commissionCents(10.5, 600)).toThrow(RangeError);
    expect(() => commissionCents(-1, 600)).toThrow(RangeError);
  });
});
