import type { Db } from '../../../db/connection';
import { forbidden } from '../../shared/errors';
import { strikeStanding } from '../users';

/**
 * SPEC §9: two non-payment strikes within 90 days refuse bids and buy-now (403 `bidding_suspended`)
 * until the older of them is 90 days old; the answer says when.
 */
export async function assertNotStrikeSuspended(db: Db, userId: string): Promise<void> {
  const { biddingSuspendedUntil } = await strikeStanding(db, userId);
  if (!biddingSuspendedUntil) return;
  const until = biddingSuspendedUntil.toISOString();
  throw forbidden('bidding_suspended', `Two unpaid purchases within 90 days: you cannot bid or buy until ${until}.`);
}
