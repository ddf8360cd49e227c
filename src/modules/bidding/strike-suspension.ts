import type { Db } from '../../../db/connection';
import { forbidden } from '../../shared/errors';
import { strikeStanding } from '../users';

/**
 * SPEC §9: two non-payment strikes within 90 days refuse bids and buy-now (403 `bidding_suspended`)
 * until the older of them is 90 days old; the answer says when.
 */
export async function assertNotStrikeSuspended(db: Db, userId: string): Promise<void> {
  refuseWhileStrikeSuspended((await strikeStanding(db, userId)).biddingSuspendedUntil);
}

/** The refusal itself, for a caller that read the standing along with other things (bid intake). */
export function refuseWhileStrikeSuspended(biddingSuspendedUntil: Date | null | undefined): void {
  if (!biddingSuspendedUntil) return;
  const until = biddingSuspendedUntil.toISOString();
  throw forbidden('bidding_suspended', `Two unpaid purchases within 90 days: you cannot bid or buy until ${until}.`);
}
