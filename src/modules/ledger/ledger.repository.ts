import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Trx } from '../../../db/connection';
import { LedgerAccount, type Movement } from './ledger';

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

export interface LedgerMovement {
  type: string;
  stripeObjectId: string;
  transactionId: string | null;
  /** Its `stripe_balance` line (0 when it has none). */
  stripeCents: number;
}

/** Every movement that names a Stripe object, with its `stripe_balance` line summed (the reconciliation's ledger side). */
export async function ledgerMovements(db: Pick<Db, 'selectFrom'>): Promise<LedgerMovement[]> {
  const rows = await db
    .selectFrom('ledgerEntries')
    .select([
      'movementType as type',
      'stripeObjectId',
      'transactionId',
      sql<string>`coalesce(sum(amount_cents) filter (where account_code = ${LedgerAccount.stripeBalance}), 0)`.as('stripeCents'),
    ])
    .where('stripeObjectId', 'is not', null)
    .groupBy(['movementId', 'movementType', 'stripeObjectId', 'transactionId'])
    .execute();
  return rows.map((r) => ({
    type: r.type,
    stripeObjectId: r.stripeObjectId!,
    transactionId: r.transactionId,
    stripeCents: Number(r.stripeCents),
  }));
}

/** The payout transfer of a transaction (reversals are listed under it at Stripe). */
export async function transferIdOf(db: Pick<Db, 'selectFrom'>, transactionId: string): Promise<string | null> {
  return (await db.selectFrom('transactions').select('transferId').where('id', '=', transactionId).executeTakeFirst())?.transferId ?? null;
}

/** Ids of all our transactions (read-only: a Stripe object naming one of them must have its movement). */
export async function transactionIds(db: Pick<Db, 'selectFrom'>): Promise<Set<string>> {
  return new Set((await db.selectFrom('transactions').select('id').execute()).map((t) => t.id));
}

/** The Stripe object of the transaction's latest movement of `type` (e.g. the chargeback a refund settles against). */
export async function latestMovementOf(db: Pick<Db, 'selectFrom'>, transactionId: string, type: string) {
  return db
    .selectFrom('ledgerEntries')
    .select('stripeObjectId')
    .where('transactionId', '=', transactionId)
    .where('movementType', '=', type)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}
