import type { TransactionStatus } from '../../../db/schema';
import { LedgerAccount, reconcile } from '../../../src/modules/ledger';
import type { FaultCluster } from './cluster';

/** What a client was told about one bid (recorded by the scenario as answers arrive). */
export interface BidAnswer {
  listingId: string;
  status: number;
  /** 201: the committed bid's id. */
  bidId?: string;
  /** 202: the command's request id, to be decided later by the workers. */
  requestId?: string;
}

export interface InvariantInput {
  /** The state each transaction of the scenario must end in (terminal, after convergence). */
  expected?: Record<string, TransactionStatus>;
  /** Every answer the scenario's bidders received. */
  bids?: BidAnswer[];
  /** Committed bid ids seen before the fault: none may be gone after it. */
  bidsBeforeFault?: string[];
}

export interface InvariantReport {
  violations: string[];
  figures: {
    movements: number;
    transfers: number;
    refunds: number;
    reversals: number;
    bidsCommitted: number;
    bidAnswers2xx: number;
  };
}

const TERMINAL: readonly TransactionStatus[] = ['released', 'refunded', 'partially_refunded', 'cancelled'];

/** Every double-entry movement sums to zero; a finished transaction leaves nothing in its escrow account. */
async function ledgerViolations(c: FaultCluster): Promise<{ violations: string[]; movements: number }> {
  const rows = await c.deps.db
    .selectFrom('ledgerEntries')
    .select(['movementId', 'movementType', 'transactionId', 'accountCode', 'amountCents'])
    .execute();
  const sums = new Map<string, { type: string; sum: number }>();
  const escrow = new Map<string, number>();
  for (const r of rows) {
    const m = sums.get(r.movementId) ?? { type: r.movementType, sum: 0 };
    m.sum += Number(r.amountCents);
    sums.set(r.movementId, m);
    if (r.transactionId && r.accountCode === LedgerAccount.escrow(r.transactionId))
      escrow.set(r.transactionId, (escrow.get(r.transactionId) ?? 0) + Number(r.amountCents));
  }
  const violations = [...sums]
    .filter(([, m]) => m.sum !== 0)
    .map(([id, m]) => `ledger: movement ${id} (${m.type}) sums to ${m.sum}, not 0`);
  const finished = await c.deps.db
    .selectFrom('transactions')
    .select(['id', 'status'])
    .where('status', 'in', ['released', 'refunded', 'partially_refunded'])
    .execute();
  for (const tx of finished) {
    const left = escrow.get(tx.id) ?? 0;
    if (left !== 0) violations.push(`ledger: transaction ${tx.id} is ${tx.status} with ${left} left in escrow`);
  }
  return { violations, movements: sums.size };
}

/**
 * Each money effect happened exactly once at Stripe, as the stand-in saw it: one transfer per released
 * transaction (of the seller's payout), refunds adding up to what the database says was refunded, a
 * refunded transaction's payout (if one went out) reversed in full, and no transfer of a refunded sale.
 */
async function effectViolations(c: FaultCluster): Promise<{ violations: string[]; transfers: number; refunds: number; reversals: number }> {
  const violations: string[] = [];
  const transfers = c.standIn.listObjects('transfer');
  const refunds = c.standIn.listObjects('refund');
  const txs = await c.deps.db.selectFrom('transactions').selectAll().execute();
  let reversals = 0;
  for (const tx of txs) {
    const sent = transfers.filter((t) => t.transfer_group === tx.id);
    const refunded = refunds.filter((r) => tx.paymentIntentId && r.payment_intent === tx.paymentIntentId);
    const refundedSum = refunded.reduce((s, r) => s + r.amount, 0);
    const reversed = sent.reduce((s, t) => s + (t.amount_reversed ?? 0), 0);
    reversals += sent.reduce((n, t) => n + (t.reversals?.data?.length ?? 0), 0);
    if (sent.length > 1)
      violations.push(`stripe: ${sent.length} transfers for ${tx.id} (${sent.map((t) => t.id).join(', ')}): paid out more than once`);
    if (tx.status === 'released') {
      if (sent.length !== 1 || sent[0].amount !== tx.sellerPayoutCents)
        violations.push(`stripe: released ${tx.id} has transfers [${sent.map((t) => t.amount)}], expected one of ${tx.sellerPayoutCents}`);
      if (refundedSum !== 0) violations.push(`stripe: released ${tx.id} was also refunded ${refundedSum}`);
    }
    if (tx.status === 'refunded' || tx.status === 'partially_refunded') {
      if (refundedSum !== tx.refundedCents)
        violations.push(`stripe: ${tx.id} refunds add up to ${refundedSum}, the database says ${tx.refundedCents}`);
      if (tx.status === 'refunded' && sent.length === 1 && reversed !== sent[0].amount)
        violations.push(`stripe: refunded ${tx.id} kept ${sent[0].amount - reversed} paid out to the seller`);
    }
    if (tx.status !== 'refunded' && tx.status !== 'partially_refunded' && refundedSum > 0 && tx.status !== 'cancelled')
      violations.push(`stripe: ${tx.id} is ${tx.status} but Stripe refunded ${refundedSum}`);
  }
  return { violations, transfers: transfers.length, refunds: refunds.length, reversals };
}

async function stateViolations(c: FaultCluster, expected: Record<string, TransactionStatus>): Promise<string[]> {
  const violations: string[] = [];
  for (const [id, want] of Object.entries(expected)) {
    const tx = await c.deps.db.selectFrom('transactions').select(['status']).where('id', '=', id).executeTakeFirst();
    if (!tx) violations.push(`state: transaction ${id} is missing`);
    else if (tx.status !== want) violations.push(`state: transaction ${id} is stuck in ${tx.status}, expected ${want}`);
  }
  const stuck = await c.deps.db
    .selectFrom('transactions')
    .select(['id', 'status'])
    .where('status', 'not in', TERMINAL)
    .where('id', 'in', Object.keys(expected).length ? Object.keys(expected) : ['00000000-0000-0000-0000-000000000000'])
    .execute();
  for (const tx of stuck)
    if (!violations.some((v) => v.includes(tx.id))) violations.push(`state: transaction ${tx.id} not terminal (${tx.status})`);
  return violations;
}

async function bidViolations(
  c: FaultCluster,
  input: InvariantInput,
): Promise<{ violations: string[]; committed: number; answered: number }> {
  const answers = input.bids ?? [];
  const violations: string[] = [];
  const committed = new Set((await c.deps.db.selectFrom('bids').select('id').execute()).map((b) => b.id));
  const decided = new Set((await c.deps.db.selectFrom('bidRequests').select('requestId').execute()).map((r) => r.requestId));
  for (const a of answers) {
    if (a.status === 201 && (!a.bidId || !committed.has(a.bidId)))
      violations.push(`bids: answered 201 for bid ${a.bidId} on ${a.listingId}, which is not committed`);
    if (a.status === 202 && (!a.requestId || !decided.has(a.requestId)))
      violations.push(`bids: answered 202 (request ${a.requestId}) on ${a.listingId}, never decided: the bid was lost`);
  }
  for (const id of input.bidsBeforeFault ?? []) if (!committed.has(id)) violations.push(`bids: committed bid ${id} was lost`);
  return { violations, committed: committed.size, answered: answers.filter((a) => a.status >= 200 && a.status < 300).length };
}

/** Runs every invariant; collects all violations rather than stopping at the first. */
export async function checkInvariants(c: FaultCluster, input: InvariantInput = {}): Promise<InvariantReport> {
  const ledger = await ledgerViolations(c);
  const effects = await effectViolations(c);
  const states = await stateViolations(c, input.expected ?? {});
  const bids = await bidViolations(c, input);
  const recon = await reconcile({ db: c.deps.db, payments: c.deps.payments });
  const orphans = recon.orphans.map((o) => `reconcile: orphan ${JSON.stringify(o)}`);
  return {
    violations: [...ledger.violations, ...orphans, ...effects.violations, ...states, ...bids.violations],
    figures: {
      movements: ledger.movements,
      transfers: effects.transfers,
      refunds: effects.refunds,
      reversals: effects.reversals,
      bidsCommitted: bids.committed,
      bidAnswers2xx: bids.answered,
    },
  };
}

/** Jest-friendly: fails with every violation listed; `onReport` sees the figures either way. */
export async function expectInvariants(
  c: FaultCluster,
  input: InvariantInput = {},
  onReport: (report: InvariantReport) => void = () => undefined,
): Promise<InvariantReport> {
  const report = await checkInvariants(c, input);
  onReport(report);
  if (report.violations.length) throw new Error(`invariants violated:\n- ${report.violations.join('\n- ')}`);
  return report;
}
