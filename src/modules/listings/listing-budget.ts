import type { Platform } from '../../shared/platform';

/**
 * Runs `insert` with `spent` points of a new account's hourly listing budget (SPEC §4) already taken,
 * and gives them back if it fails: the budget is spent before the database transaction (no Redis call
 * inside it), but only drafts that exist count — a server error, or an idempotent retry that answered
 * first and rolled this insert back, costs the seller nothing.
 */
export async function refundBudgetIfNotStored<T>(
  deps: Pick<Platform, 'rateLimits'>,
  sellerId: string,
  spent: number,
  insert: () => Promise<T>,
): Promise<T> {
  try {
    return await insert();
  } catch (err) {
    await deps.rateLimits.refund('newAccountListings', sellerId, spent).catch(() => undefined);
    throw err;
  }
}
