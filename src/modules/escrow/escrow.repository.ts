import { sql, type Kysely } from 'kysely';
import type { Trx } from '../../../db/connection';
import type { Database, Transaction, TransactionStatus } from '../../../db/schema';
import type { OutboxEvent } from '../../shared/outbox';
import { transactionRoom, transactionStaffRoom, userRoom } from '../../shared/rooms';
import { recordSystemAudit } from '../audit';
import { recordTransactionEvent } from '../transactions';
import type { ReleaseReason } from '../../shared/jobs/money-jobs';

type Reader = Kysely<Database> | Trx;

/** How long a step may legitimately be in flight before the sweep assumes its job was lost. */
const GRACE = sql`interval '2 minutes'`;

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

  findByCharge(db: Reader, chargeId: string): Promise<Transaction | undefined> {
    return db.selectFrom('transactions').selectAll().where('chargeId', '=', chargeId).executeTakeFirst();
  },

  /** `pending_payment → in_escrow` with the charge (conditional: a second delivery changes nothing). */
  async markFunded(trx: Trx, id: string, chargeId: string, paymentIntentId: string): Promise<void> {
    await trx
      .updateTable('transactions')
      .set({
        status: 'in_escrow',
        paidAt: sql<Date>`now()`,
        chargeId,
        paymentIntentId: sql<string>`coalesce(payment_intent_id, ${paymentIntentId})`,
        updatedAt: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending_payment')
      .execute();
  },

  /** A cancelled transaction's late payment, refunded in full (conditional on no refund yet). */
  async markLatePaymentRefunded(trx: Trx, id: string, refundId: string, amountCents: number, chargeId: string): Promise<void> {
    await trx
      .updateTable('transactions')
      .set({ refundId, refundedCents: amountCents, chargeId, paidAt: sql<Date>`now()`, updatedAt: sql<Date>`now()` })
      .where('id', '=', id)
      .where('refundId', 'is', null)
      .execute();
  },

  /**
   * Stores the transaction's PaymentIntent in place of `replaces` (none, or one cancelled at Stripe);
   * conditional: the first stored for that state stays.
   */
  async setPaymentIntent(trx: Trx, id: string, paymentIntentId: string, replaces: string | null): Promise<void> {
    await trx
      .updateTable('transactions')
      .set({ paymentIntentId, updatedAt: sql<Date>`now()` })
      .where('id', '=', id)
      .where('paymentIntentId', replaces === null ? 'is' : '=', replaces)
      .execute();
  },

  /** The payment deadline passed unpaid: `pending_payment → cancelled`. */
  async markCancelledForDeadline(trx: Trx, id: string): Promise<void> {
    await trx
      .updateTable('transactions')
      .set({ status: 'cancelled', cancelledAt: sql<Date>`now()`, cancelReason: 'payment_deadline', updatedAt: sql<Date>`now()` })
      .where('id', '=', id)
      .where('status', '=', 'pending_payment')
      .execute();
  },

  /** Records the reversal of a released payout (or that none was needed), once. */
  async setReversal(trx: Trx, id: string, reversalId: string): Promise<void> {
    await trx
      .updateTable('transactions')
      .set({ reversalId, updatedAt: sql<Date>`now()` })
      .where('id', '=', id)
      .where('reversalId', 'is', null)
      .execute();
  },

  /** The refund committed: id, refunded total and the status it leaves (conditional on no refund yet). */
  async markRefunded(trx: Trx, id: string, refundId: string, refundedCents: number, status: TransactionStatus): Promise<void> {
    await trx
      .updateTable('transactions')
      .set({ refundId, refundedCents, status, updatedAt: sql<Date>`now()` })
      .where('id', '=', id)
      .where('refundId', 'is', null)
      .execute();
  },

  /** The payout waits for the seller's wallet (`account.updated` re-queues it). */
  async markPayoutWaiting(trx: Trx, id: string, reason: ReleaseReason): Promise<void> {
    await trx
      .updateTable('transactions')
      // A new reason for the same payout keeps the time it has been waiting since.
      .set({ payoutWaitingReason: reason, payoutWaitingSince: sql<Date>`coalesce(payout_waiting_since, now())` })
      .where('id', '=', id)
      .execute();
  },

  /** The payout went out: the transfer, the final status, no longer waiting (conditional on no transfer yet). */
  async markReleased(trx: Trx, id: string, transferId: string | null, status: TransactionStatus): Promise<void> {
    await trx
      .updateTable('transactions')
      .set({
        transferId,
        status,
        releasedAt: sql<Date>`now()`,
        payoutWaitingReason: null,
        payoutWaitingSince: null,
        updatedAt: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .where('transferId', 'is', null)
      .execute();
  },

  async setStatus(trx: Trx, id: string, status: TransactionStatus): Promise<void> {
    await trx
      .updateTable('transactions')
      .set({ status, updatedAt: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  },

  /** Unpaid transactions past their deadline (plus the grace), for the sweep. */
  overduePayments(db: Reader, limit: number): Promise<Array<{ id: string }>> {
    return db
      .selectFrom('transactions')
      .select('id')
      .where('status', '=', 'pending_payment')
      .where('paymentDueAt', '<', sql<Date>`now() - ${GRACE}`)
      .limit(limit)
      .execute();
  },

  /** Stored Stripe events still unprocessed after the grace (read-only: the webhooks module stores them). */
  unprocessedStripeEvents(db: Reader, limit: number): Promise<Array<{ id: string }>> {
    return db
      .selectFrom('stripeEvents')
      .select('id')
      .where('processedAt', 'is', null)
      .where('receivedAt', '<', sql<Date>`now() - ${GRACE}`)
      // A failing event waits out its backoff; one marked failed is left to staff.
      .where('failedAt', 'is', null)
      .where((eb) => eb.or([eb('nextAttemptAt', 'is', null), eb('nextAttemptAt', '<=', sql<Date>`now()`)]))
      .limit(limit)
      .execute();
  },

  /** Payouts due (verified, or a dispute resolved for the seller) that never went out, for the sweep. */
  duePayouts(db: Reader, limit: number) {
    return db
      .selectFrom('transactions as t')
      .select(['t.id', 't.status'])
      .where('t.transferId', 'is', null)
      .where('t.payoutWaitingReason', 'is', null)
      // A payout whose intent is still owed is driven by its own backoff, not re-requested every pass.
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('moneyIntents as mi')
              .select('mi.id')
              .whereRef('mi.transactionId', '=', 't.id')
              .where('mi.kind', '=', 'release')
              .where('mi.status', 'in', ['pending', 'running', 'failing', 'succeeded']),
          ),
        ),
      )
      .where((eb) =>
        eb.or([
          eb.and([eb('t.status', '=', 'in_escrow'), eb('t.verifiedAt', '<', sql<Date>`now() - ${GRACE}`)]),
          eb.and([
            eb('t.status', '=', 'disputed'),
            eb.exists(
              eb
                .selectFrom('disputes as d')
                .select('d.id')
                .whereRef('d.transactionId', '=', 't.id')
                .where('d.status', '=', 'resolved')
                .where('d.resolution', '=', 'release')
                .where('d.resolvedAt', '<', sql<Date>`now() - ${GRACE}`),
            ),
          ]),
        ]),
      )
      .limit(limit)
      .execute();
  },
};

/** `transaction_update` for the transaction's rooms (parties' and staff's: a status is no chat) and both parties' rooms. */
export function transactionUpdate(
  tx: Pick<Transaction, 'id' | 'buyerId' | 'sellerId'>,
  status: TransactionStatus,
  extra: Record<string, unknown> = {},
): OutboxEvent {
  return {
    kind: 'event',
    rooms: [transactionRoom(tx.id), transactionStaffRoom(tx.id), userRoom(tx.buyerId), userRoom(tx.sellerId)],
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
  await recordSystemAudit(trx, { action: `escrow.${type}`, targetType: 'transaction', targetId: transactionId, details: data });
}
