import type { Db } from '../../../db/connection';
import type { TransactionStatus } from '../../../db/schema';

/** The sale states in which a party still owes something (SPEC §9: deletion is refused). */
export const OPEN_OBLIGATION_STATUSES: readonly TransactionStatus[] = ['pending_payment', 'in_escrow', 'disputed'];

/** True while the user is buyer or seller of a transaction that is not settled. */
export async function hasOpenTransaction(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('transactions')
    .select('id')
    .where((eb) => eb.or([eb('buyerId', '=', userId), eb('sellerId', '=', userId)]))
    .where('status', 'in', OPEN_OBLIGATION_STATUSES)
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}

/** Every transaction the user is a party to, for a privacy access request. */
export async function transactionsOfParty(db: Db, userId: string) {
  return db
    .selectFrom('transactions')
    .selectAll()
    .where((eb) => eb.or([eb('buyerId', '=', userId), eb('sellerId', '=', userId)]))
    .orderBy('createdAt')
    .execute();
}
