import { sql, type Kysely } from 'kysely';
import type { Trx } from '../../../db/connection';
import type { Database } from '../../../db/schema';
import type { ConnectAccountView } from '../../providers/payments/payments';
import { releasePayoutCents } from '../transactions';
import { LedgerAccount } from '../ledger';

type Db = Kysely<Database> | Trx;

const flags = (a: ConnectAccountView) => ({
  chargesEnabled: a.chargesEnabled,
  payoutsEnabled: a.payoutsEnabled,
  detailsSubmitted: a.detailsSubmitted,
  updatedAt: sql<Date>`now()`,
});

/** Seller accounts (Stripe Connect) and the sums behind a seller's wallet balance. */
export const walletRepository = {
  /** One account creation per user at a time: a concurrent duplicate waits and finds the row. */
  async lockUser(trx: Trx, userId: string): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`wallet:${userId}`}))`.execute(trx);
  },

  userEmail(db: Db, userId: string) {
    return db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirstOrThrow();
  },

  async userExists(db: Db, userId: string): Promise<boolean> {
    return (await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst()) !== undefined;
  },

  findByStripeAccount(db: Db, stripeAccountId: string) {
    return db.selectFrom('sellerAccounts').select('userId').where('stripeAccountId', '=', stripeAccountId).executeTakeFirst();
  },

  /** The seller's payouts that waited for an enabled account (read-only: escrow writes them). */
  payoutsWaiting(db: Db, sellerId: string) {
    return db
      .selectFrom('transactions')
      .select(['id', 'status'])
      .where('sellerId', '=', sellerId)
      .where('payoutWaitingReason', 'is not', null)
      .where('transferId', 'is', null)
      .execute();
  },

  find(db: Db, userId: string) {
    return db.selectFrom('sellerAccounts').selectAll().where('userId', '=', userId).executeTakeFirst();
  },

  /** One account per user: the first insert wins; returns whether this one did. */
  async insertIfAbsent(db: Db, userId: string, a: ConnectAccountView): Promise<boolean> {
    const row = await db
      .insertInto('sellerAccounts')
      .values({
        userId,
        stripeAccountId: a.id,
        chargesEnabled: a.chargesEnabled,
        payoutsEnabled: a.payoutsEnabled,
        detailsSubmitted: a.detailsSubmitted,
      })
      .onConflict((oc) => oc.column('userId').doNothing())
      .returning('userId')
      .executeTakeFirst();
    return row !== undefined;
  },

  /**
   * Flags as Stripe reports them (the row may not exist yet when `account.updated` beats the insert).
   * False when the user's wallet is another account: nothing is written.
   */
  async upsert(db: Db, userId: string, a: ConnectAccountView): Promise<boolean> {
    const row = await db
      .insertInto('sellerAccounts')
      .values({
        userId,
        stripeAccountId: a.id,
        chargesEnabled: a.chargesEnabled,
        payoutsEnabled: a.payoutsEnabled,
        detailsSubmitted: a.detailsSubmitted,
      })
      .onConflict((oc) => oc.column('userId').doUpdateSet(flags(a)).where('sellerAccounts.stripeAccountId', '=', a.id))
      .returning('userId')
      .executeTakeFirst();
    return row !== undefined;
  },

  async updateFlags(db: Db, a: ConnectAccountView): Promise<void> {
    await db.updateTable('sellerAccounts').set(flags(a)).where('stripeAccountId', '=', a.id).execute();
  },

  /** Seller payouts of sales awaiting payment, and of paid sales not yet released. */
  async payoutSums(db: Db, sellerId: string): Promise<{ pending: number; inEscrow: number }> {
    const rows = await db
      .selectFrom('transactions')
      .select(['status', 'amountCents', 'refundedCents', 'commissionBps', 'escrowFeeCents'])
      .where('sellerId', '=', sellerId)
      .where('status', 'in', ['pending_payment', 'in_escrow', 'disputed'])
      .where('transferId', 'is', null)
      .execute();
    const payout = (r: (typeof rows)[number]) => Math.max(0, releasePayoutCents(r));
    let pending = 0;
    let inEscrow = 0;
    for (const r of rows) {
      if (r.status === 'pending_payment') pending += payout(r);
      else inEscrow += payout(r);
    }
    return { pending, inEscrow };
  },

  /** Transfers to the seller less reversals, as the ledger recorded them on the platform balance. */
  async paidOutCents(db: Db, sellerId: string): Promise<number> {
    const row = await db
      .selectFrom('ledgerEntries as e')
      .innerJoin('transactions as t', 't.id', 'e.transactionId')
      .select(sql<string>`coalesce(sum(e.amount_cents), 0)`.as('sum'))
      .where('t.sellerId', '=', sellerId)
      .where('e.accountCode', '=', LedgerAccount.stripeBalance)
      .where('e.movementType', 'in', ['release', 'reversal'])
      .executeTakeFirstOrThrow();
    return -Number(row.sum);
  },
};
