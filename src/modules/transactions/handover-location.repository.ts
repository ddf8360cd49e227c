import { sql } from 'kysely';
import type { Trx } from '../../../db/connection';

export interface HandoverLocation {
  lat: number;
  lng: number;
  /** Metres from the accepted meetup's zone; null when there was no accepted meetup to compare with. */
  distanceM: number | null;
  flagged: boolean;
}

/** Stores where the scanning phone was at the QR handover (the caller holds the row lock). */
export async function recordHandoverLocation(trx: Trx, transactionId: string, at: HandoverLocation): Promise<void> {
  await trx
    .updateTable('transactions')
    .set({
      handoverLat: at.lat,
      handoverLng: at.lng,
      handoverDistanceM: at.distanceM,
      handoverFlagged: at.flagged,
      updatedAt: sql<Date>`now()`,
    })
    .where('id', '=', transactionId)
    .execute();
}
