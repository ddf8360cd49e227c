/** Fee parameters, stored on each transaction when it is created (SPEC §1). */
export interface FeeSchedule {
  commissionBps: number; // basis points: 600 = 6%
  escrowFeeCents: number;
}

/** Commission on a sale in integer cents, rounded half-up (no floats on a money path). */
export function commissionCents(amountCents: number, commissionBps: number): number {
  assertCents(amountCents);
  return Math.floor((amountCents * commissionBps + 5000) / 10000);
}

/** What the seller receives for a sale of `amountCents`: amount − commission − escrow fee. */
export function sellerPayoutCents(amountCents: number, fees: FeeSchedule): number {
  return amountCents - commissionCents(amountCents, fees.commissionBps) - fees.escrowFeeCents;
}

/** Throws unless `value` is a safe non-negative integer amount of cents. */
export function assertCents(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not an amount of cents: ${value}`);
}
