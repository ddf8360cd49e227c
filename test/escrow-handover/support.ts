import { sql } from 'kysely';
import type { Transaction, TransactionStatus } from '../../db/schema';
import type { Deps } from '../../src/composition';
import { commissionCents } from '../../src/shared/money';
import { createActiveListing } from '../support/fixtures';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';

export interface TxFixture {
  buyerId: string;
  sellerId: string;
  status?: TransactionStatus;
  amountCents?: number;
  verified?: boolean;
  /** When the escrow started (default: now for in_escrow and later states). */
  paidAt?: Date | null;
}

/**
 * A transaction inserted directly in the state a test needs (payments are the payments core's; these
 * tests start from a funded or released transaction). Fees follow SPEC §1 from the config.
 */
export async function createTransaction(deps: Deps, f: TxFixture): Promise<Transaction> {
  const amount = f.amountCents ?? 10_000;
  const listing = await createActiveListing(deps, f.sellerId, { status: 'ended_sold' });
  const commission = commissionCents(amount, deps.config.fees.commissionBps);
  const status = f.status ?? 'in_escrow';
  const funded = status !== 'pending_payment' && status !== 'cancelled';
  return deps.db
    .insertInto('transactions')
    .values({
      listingId: listing.id,
      buyerId: f.buyerId,
      sellerId: f.sellerId,
      amountCents: amount,
      commissionBps: deps.config.fees.commissionBps,
      commissionCents: commission,
      escrowFeeCents: deps.config.fees.escrowFeeCents,
      sellerPayoutCents: amount - commission - deps.config.fees.escrowFeeCents,
      status,
      source: 'auction',
      paymentDueAt: sql<Date>`now() + interval '2 days'`,
      paidAt: f.paidAt !== undefined ? f.paidAt : funded ? new Date() : null,
      verifiedAt: f.verified || status === 'released' ? new Date() : null,
      releasedAt: status === 'released' ? new Date() : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Outbox rows carrying a job `name` for the transaction (what the relay would enqueue). */
export async function outboxJobs(deps: Deps, name: string, transactionId: string) {
  const rows = await deps.db.selectFrom('outbox').select(['id', 'payload']).where('topic', '=', 'job').orderBy('id').execute();
  return rows
    .map((r) => r.payload as unknown as { name: string; queue: string; jobId?: string; data: Record<string, unknown> })
    .filter((p) => p.name === name && p.data.transactionId === transactionId);
}

/** Notification jobs in the outbox about a transaction, by type. */
export async function outboxNotifications(deps: Deps, type: string, transactionId: string) {
  const rows = await deps.db.selectFrom('outbox').select('payload').where('topic', '=', 'job').orderBy('id').execute();
  return rows
    .map(
      (r) =>
        r.payload as unknown as { name: string; data: { type: string; userId: string; body: string; data: { transactionId?: string } } },
    )
    .filter((p) => p.name === 'notification.send' && p.data.type === type && p.data.data?.transactionId === transactionId)
    .map((p) => p.data);
}

/** Audit rows for a target. */
export const auditRows = (deps: Deps, targetType: string, targetId: string) =>
  deps.db.selectFrom('auditLog').selectAll().where('targetType', '=', targetType).where('targetId', '=', targetId).orderBy('id').execute();

export interface TransactionParties {
  env: TestEnv;
  buyer: TestUser;
  seller: TestUser;
  stranger: TestUser;
  support: TestUser;
}

/**
 * Registers `beforeAll`/`afterAll` for the file: a test env (with `extraEnv`), a buyer, a seller, a stranger
 * and a support agent (read the fields inside tests and hooks; they are set once `beforeAll` has run).
 */
export function useTransactionParties(
  extraEnv: Record<string, string> = {},
  displayNames: { buyer?: string; seller?: string } = {},
): TransactionParties {
  const ctx = {} as TransactionParties;
  beforeAll(async () => {
    ctx.env = await createTestEnv(extraEnv);
    [ctx.buyer, ctx.seller, ctx.stranger, ctx.support] = await Promise.all([
      createUser(ctx.env.deps, { displayName: displayNames.buyer }),
      createUser(ctx.env.deps, { displayName: displayNames.seller }),
      createUser(ctx.env.deps),
      createUser(ctx.env.deps, { role: 'support' }),
    ]);
  });
  afterAll(async () => {
    await ctx.env.close();
  });
  return ctx;
}
