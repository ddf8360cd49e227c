import type { TransactionStatus } from '../../../db/schema';
import { buyNowSale, openAndResolveDispute, openWallet, payAndFund, simulateVerify } from '../../escrow/helpers';
import { createUser, type TestUser } from '../../support/harness';
import type { StripeTestEnv } from '../../support/stripe';
import type { FaultCluster } from './cluster';
import type { InvariantReport } from './invariants';
import { until } from './processes';

/** The escrow helpers take a StripeTestEnv; they only use `http` (here: the api child), `deps` and `standIn`. */
export const asEnv = (c: FaultCluster) => c as unknown as StripeTestEnv;

export interface People {
  seller: TestUser;
  buyers: TestUser[];
}

export async function people(c: FaultCluster, buyers = 2): Promise<People> {
  const seller = await createUser(c.deps);
  await openWallet(asEnv(c), seller);
  return { seller, buyers: await Promise.all(Array.from({ length: buyers }, () => createUser(c.deps))) };
}

/**
 * Pays as the apps do: a 503 (a dependency briefly down, `Retry-After: 1`) is retried a second later;
 * any other answer is final.
 */
export async function payLikeTheApp(c: FaultCluster, buyer: TestUser, txId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await payAndFund(asEnv(c), buyer, txId);
      return;
    } catch (err) {
      if (attempt >= 15 || !String(err).includes('pay answered 503')) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/** A buy-now sale paid and funded (webhook → escrow): `in_escrow`. */
export async function fundedSale(c: FaultCluster, p: People, buyer = 0, amountCents = 10_000): Promise<string> {
  const tx = await buyNowSale(asEnv(c), p.seller, p.buyers[buyer], amountCents);
  await payLikeTheApp(c, p.buyers[buyer], tx.id);
  return tx.id;
}

export const verify = (c: FaultCluster, txId: string) => simulateVerify(c.deps, txId);
/** Staff resolve a dispute as a refund of `cents` (a partial refund when less than the sale: the seller gets the rest). */
export const refundByDispute = (c: FaultCluster, txId: string, cents: number, saleCents = 10_000) =>
  openAndResolveDispute(c.deps, txId, cents < saleCents ? 'partial_refund' : 'refund', cents);

/** Waits until every transaction reached its expected state (the scenario's convergence); returns ms taken. */
export async function converge(c: FaultCluster, expected: Record<string, TransactionStatus>, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  await until(
    `transactions reach ${JSON.stringify(expected)}`,
    async () => {
      const rows = await c.deps.db.selectFrom('transactions').select(['id', 'status']).where('id', 'in', Object.keys(expected)).execute();
      return rows.length === Object.keys(expected).length && rows.every((r) => r.status === expected[r.id]);
    },
    timeoutMs,
    () => '',
  ).catch(async (err: Error) => {
    const rows = await c.deps.db.selectFrom('transactions').select(['id', 'status']).where('id', 'in', Object.keys(expected)).execute();
    throw new Error(`${err.message}\nnow: ${JSON.stringify(rows)}\n${c.logs().slice(-4000)}`);
  });
  return Date.now() - started;
}

/** One line of figures per scenario, for docs/RELIABILITY.md (printed with FAULTS_REPORT=1). */
export function figures(scenario: string, report: InvariantReport, extra: Record<string, unknown>): void {
  const line = JSON.stringify({ scenario, pass: report.violations.length === 0, ...report.figures, ...extra });
  if (process.env.FAULTS_REPORT) process.stderr.write(`[faults figures] ${line}\n`);
}

/** BullMQ's view of the money queue: jobs that gave up for good are effects nobody will retry. */
export async function escrowJobCounts(c: FaultCluster): Promise<Record<string, number>> {
  return c.deps.queues.escrow.getJobCounts('failed', 'delayed', 'active', 'waiting', 'completed');
}
