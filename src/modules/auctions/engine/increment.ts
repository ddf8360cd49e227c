/**
 * Bid increment table (SPEC §2). Each row: prices strictly below `belowCents` step by `stepCents`.
 * Kept as a table, not an if-chain, so it reads exactly like the SPEC line it implements.
 */
const INCREMENTS: ReadonlyArray<{ belowCents: number; stepCents: number }> = [
  { belowCents: 100, stepCents: 5 },
  { belowCents: 500, stepCents: 25 },
  { belowCents: 2_500, stepCents: 50 },
  { belowCents: 10_000, stepCents: 100 },
  { belowCents: 25_000, stepCents: 250 },
  { belowCents: 50_000, stepCents: 500 },
  { belowCents: 100_000, stepCents: 1_000 },
  { belowCents: 250_000, stepCents: 2_500 },
  { belowCents: 500_000, stepCents: 5_000 },
];

const TOP_STEP_CENTS = 10_000;

/** Bid increment in cents for a given price in cents (SPEC §2 table). */
export function bidIncrementCents(priceCents: number): number {
  const row = INCREMENTS.find((r) => priceCents < r.belowCents);
  return row ? row.stepCents : TOP_STEP_CENTS;
}
