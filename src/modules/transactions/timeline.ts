import type { Trx } from '../../../db/connection';

/** Appends to a transaction's timeline (GET /v1/transactions/:id/events) in the caller's database transaction. */
export async function recordTransactionEvent(
  trx: Trx,
  transactionId: string,
  type: string,
  data: Record<string, unknown> = {},
  actorId: string | null = null,
): Promise<void> {
  await trx.insertInto('transactionEvents').values({ transactionId, type, actorId, data: JSON.stringify(data) }).execute();
}
