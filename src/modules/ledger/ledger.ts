import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Trx } from '../../../db/connection';

/**
 * Double-entry ledger. Sign convention: assets positive (`stripe_balance`, `chargeback:<txId>`),
 * liabilities and income negative (`escrow:<txId>` holds what we owe on a transaction; `revenue:*`). Every movement's lines
 * sum to zero; every entry records the account balance before and after it.
 */
export const LedgerAccount = {
  stripeBalance: 'stripe_balance',
  escrow: (transactionId: string) => `escrow:${transactionId}`,
  commission: 'revenue:commission',
  escrowFee: 'revenue:escrow_fee',
  /** Funds a card network withdrew for a chargeback on the transaction, until decided (asset, positive). */
  chargeback: (transactionId: string) => `chargeback:${transactionId}`,
} as const;

export interface LedgerLine {
  account: string;
  amountCents: number;
}

export interface Movement {
  type: string;
  transactionId: string | null;
  /** The Stripe object that moved the money (charge, transfer, refund, reversal). */
  stripeObjectId: string | null;
  lines: LedgerLine[];
}

/** Posts a balanced movement in the caller's database transaction; returns its id. */
export async function postMovement(trx: Trx, movement: Movement): Promise<string> {
  const lines = movement.lines.filter((l) => l.amountCents !== 0);
  const sum = lines.reduce((acc, l) => acc + l.amountCents, 0);
  if (sum !== 0 || lines.some((l) => !Number.isSafeInteger(l.amountCents))) throw new Error(`unbalanced ledger movement ${movement.type}: ${sum}`);
  const codes = [...new Set(lines.map((l) => l.account))].sort();
  await trx.insertInto('ledgerAccounts').values(codes.map((code) => ({ code }))).onConflict((oc) => oc.column('code').doNothing()).execute();
  // Locked in a fixed order so two movements never deadlock on each other's accounts.
  const accounts = await trx.selectFrom('ledgerAccounts').select(['code', 'balanceCents']).where('code', 'in', codes).orderBy('code').forUpdate().execute();
  const balances = new Map(accounts.map((a) => [a.code, Number(a.balanceCents)]));
  const movementId = randomUUID();
  const entries = lines.map((line) => {
    const before = balances.get(line.account)!;
    const after = before + line.amountCents;
    balances.set(line.account, after);
    return {
      movementId,
      movementType: movement.type,
      transactionId: movement.transactionId,
      accountCode: line.account,
      amountCents: line.amountCents,
      balanceBeforeCents: before,
      balanceAfterCents: after,
      stripeObjectId: movement.stripeObjectId,
    };
  });
  await trx.insertInto('ledgerEntries').values(entries).execute();
  for (const code of codes) {
    await trx.updateTable('ledgerAccounts').set({ balanceCents: balances.get(code)!, updatedAt: sql<Date>`now()` }).where('code', '=', code).execute();
  }
  return movementId;
}

/** Current balance of an account (0 if it never moved). */
export async function balanceOf(db: Pick<Db, 'selectFrom'>, code: string): Promise<number> {
  const row = await db.selectFrom('ledgerAccounts').select('balanceCents').where('code', '=', code).executeTakeFirst();
  return row ? Number(row.balanceCents) : 0;
}
