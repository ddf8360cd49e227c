import { isNewAccount, priceErrors, publishSchedule, scheduleErrors, storedStartingPrice, type PriceTerms } from './listings.rules';

const MIN = 500;
const fields = (t: Partial<PriceTerms>) =>
  priceErrors({ auctionType: 'both', startingPriceCents: 1000, reservePriceCents: null, buyNowPriceCents: 2000, ...t }, MIN).map((e) => e.field);

describe('price rules (SPEC §2)', () => {
  it('accepts the SPEC shapes', () => {
    expect(fields({})).toEqual([]);
    expect(fields({ reservePriceCents: 1500, buyNowPriceCents: 1500 })).toEqual([]); // buyNow ≥ reserve: equal is fine
    expect(fields({ auctionType: 'auction', buyNowPriceCents: null })).toEqual([]);
    expect(fields({ auctionType: 'fixed', startingPriceCents: null, buyNowPriceCents: 900 })).toEqual([]);
  });

  it('names the field that breaks each rule', () => {
    expect(fields({ startingPriceCents: 499 })).toEqual(['startingPriceCents']);
    expect(fields({ reservePriceCents: 1000 })).toEqual(['reservePriceCents']);
    expect(fields({ reservePriceCents: 1500, buyNowPriceCents: 1499 })).toEqual(['buyNowPriceCents']);
    expect(fields({ buyNowPriceCents: 1000 })).toEqual(['buyNowPriceCents']); // must exceed the start without a reserve
    expect(fields({ buyNowPriceCents: null })).toEqual(['buyNowPriceCents']);
    expect(fields({ auctionType: 'auction' })).toEqual(['buyNowPriceCents']);
    expect(fields({ startingPriceCents: null })).toEqual(['startingPriceCents']);
  });

  it('prices a fixed listing by its buy-now alone', () => {
    expect(fields({ auctionType: 'fixed', buyNowPriceCents: null })).toEqual(['buyNowPriceCents']);
    expect(fields({ auctionType: 'fixed', startingPriceCents: null, buyNowPriceCents: 499 })).toEqual(['buyNowPriceCents']);
    expect(fields({ auctionType: 'fixed', reservePriceCents: 3000 })).toEqual(['reservePriceCents', 'startingPriceCents']);
    expect(storedStartingPrice({ auctionType: 'fixed', startingPriceCents: null, reservePriceCents: null, buyNowPriceCents: 900 })).toBe(900);
  });
});

describe('schedule rules', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  const at = (hours: number) => new Date(now.getTime() + hours * 3600_000);
  const limits = { minDurationSec: 3600 };

  it('measures the duration from now when the start is absent or past', () => {
    expect(scheduleErrors({ startsAt: null, endsAt: at(1) }, now, limits)).toEqual([]);
    expect(scheduleErrors({ startsAt: at(-5), endsAt: at(0.5) }, now, limits).map((e) => e.field)).toEqual(['endsAt']);
    expect(scheduleErrors({ startsAt: at(2), endsAt: at(2.5) }, now, limits).map((e) => e.field)).toEqual(['endsAt']);
    expect(scheduleErrors({ startsAt: null, endsAt: at(30 * 24 + 1) }, now, limits).map((e) => e.field)).toEqual(['endsAt']);
    expect(scheduleErrors({ startsAt: at(31 * 24), endsAt: null }, now, limits).map((e) => e.field)).toEqual(['startsAt']);
  });

  it('publishes as active from now, or scheduled for a future start', () => {
    expect(publishSchedule({ startsAt: at(-1), endsAt: at(24) }, 'auction', now, limits)).toEqual({
      ok: true,
      schedule: { status: 'active', startsAt: now, endsAt: at(24) },
    });
    expect(publishSchedule({ startsAt: at(3), endsAt: at(24) }, 'both', now, limits)).toMatchObject({ ok: true, schedule: { status: 'scheduled', startsAt: at(3) } });
    expect(publishSchedule({ startsAt: null, endsAt: null }, 'auction', now, limits)).toMatchObject({ ok: false, errors: [{ field: 'endsAt' }] });
    expect(publishSchedule({ startsAt: null, endsAt: null }, 'fixed', now, limits)).toMatchObject({ ok: true, schedule: { endsAt: at(30 * 24) } });
  });

  it('treats accounts younger than 7 days as new', () => {
    expect(isNewAccount(new Date(now.getTime() - 6 * 24 * 3600_000), now)).toBe(true);
    expect(isNewAccount(new Date(now.getTime() - 7 * 24 * 3600_000), now)).toBe(false);
  });
});
