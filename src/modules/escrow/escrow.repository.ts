import type { Kysely } from 'kysely';
import type { Trx } from '../../../db/connection';
import type { Database, Transaction, TransactionStatus } from '../../../db/schema';
import type { OutboxEvent } from '../../shared/outbox';
import { userRoom } from '../../shared/rooms';
import { transactionRoom } from '../../shared/rooms';
import { recordTransactionEvent } from '../transactions/transactions.repository';

type Reader = Kysely<Database> | Trx;

/** The payments core's reads and writes of transactions, disputes and seller accounts. */
export const escrowRepository = {
  find(db: Reader, id: string): Promise<Transaction | undefined> {
    return db.selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** `SELECT … FOR UPDATE`: every money decision about a transaction is taken under this lock. */
  lock(trx: Trx, id: string): Promise<Transaction | undefined> {
    return trx.selectFrom('transactions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  },

  findByPaymentIntent(db: Reader, paymentIntentId: string): Promise<Transaction | undefined> {
    return db.selectFrom('transactions').selectAll().where('paymentIntentId', '=', paymentIntentId).executeTakeFirst();
  },

  sellerAccount(db: Reader, userId: string) {
    return db.selectFrom('sellerAccounts').selectAll().where('userId', '=', userId).executeTakeFirst();
  },

  /** The dispute a release or refund acts on: the given one, else the latest of the transaction. */
  latestDispute(db: Reader, transactionId: string) {
    return db
      .selectFrom('disputes')
      .selectAll()
      .where('transactionId', '=', transactionId)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  },

  dispute(db: Reader, id: string) {
    return db.selectFrom('disputes').selectAll().where('id', '=', id).executeTakeFirst();
  },

  disputeByStripeId(db: Reader, stripeDisputeId: string) {
    return db.selectFrom('disputes').selectAll().where('stripeDisputeId', '=', stripeDisputeId).executeTakeFirst();
  },

  /** Whether a movement of this type was already posted for this Stripe object (a movement posts once). */
  async hasMovement(db: Reader, type: string, stripeObjectId: string): Promise<boolean> {
    const row = await db
      .selectFrom('ledgerEntries')
      .select('id')
      .where('movementType', '=', type)
      .where('stripeObjectId', '=', stripeObjectId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },
};

/** `transaction_update` for the transaction's room and both parties' rooms. */
export function transactionUpdate(
  tx: Pick<Transaction, 'id' | 'buyerId' | 'sellerId'>,
  status: TransactionStatus,
  extra: Record<string, unknown> = {},
): OutboxEvent {
  return {
    kind: 'event',
    rooms: [transactionRoom(tx.id), userRoom(tx.buyerId), userRoom(tx.sellerId)],
    event: 'transaction_update',
    data: { transactionId: tx.id, status, ...extra },
  };
}

/**
 * Work the money paths cannot finish on their own (a reversal Stripe refused, a refund blocked by a
 * chargeback): a timeline entry staff see on the transaction, and a system row in the audit log.
 */
export async function recordStaffWork(
  trx: Trx,
  transactionId: string,
  type: string,
  data: Record<string, unknown>,
): Promise<void> {
  await recordTransactionEvent(trx, transactionId, type, { ...data, needsStaff: true });
  await trx
    .insertInto('auditLog')
    .values({
      actorId: null,
      action: `escrow.${type}`,
      targetType: 'transaction',
      targetId: transactionId,
      details: JSON.stringify(data),
      requestId: null,
    })
    .execute();
}
