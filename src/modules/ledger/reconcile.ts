import type { Platform } from '../../shared/platform';
import { isPermanent, type Payments } from '../../providers/payments/payments';
import { ledgerMovements, transactionIds, transferIdOf, type LedgerMovement } from './ledger.repository';

export type StripeKind = 'charge' | 'transfer' | 'refund' | 'reversal' | 'dispute';

/** Something that moved money on one side only (or by a different amount). */
export interface Orphan {
  /** `ledger`: a movement whose Stripe object is missing or differs; `stripe`: a Stripe object the ledger never recorded. */
  side: 'ledger' | 'stripe';
  kind: StripeKind;
  stripeObjectId: string;
  transactionId: string | null;
  detail: string;
}

export interface ReconcileReport {
  movementsChecked: number;
  stripeObjectsChecked: number;
  orphans: Orphan[];
}

/** Which Stripe object each movement type stands for; `amountSign` turns its `stripe_balance` line into the object's amount. */
const MOVEMENT_KINDS: Record<string, { kind: StripeKind; amountSign: 1 | -1 }> = {
  charge: { kind: 'charge', amountSign: 1 },
  release: { kind: 'transfer', amountSign: -1 },
  refund: { kind: 'refund', amountSign: -1 },
  late_payment_refund: { kind: 'refund', amountSign: -1 },
  reversal: { kind: 'reversal', amountSign: 1 },
  chargeback: { kind: 'dispute', amountSign: -1 },
};


/** The Stripe amount of a ledger movement's object, or null when Stripe does not know it. */
async function stripeAmount(
  payments: Payments,
  m: LedgerMovement,
  kind: StripeKind,
  transferOf: (txId: string | null) => Promise<string | null>,
): Promise<number | null> {
  try {
    if (kind === 'charge') return (await payments.retrieveCharge(m.stripeObjectId)).amountCents;
    if (kind === 'transfer') return (await payments.retrieveTransfer(m.stripeObjectId)).amountCents;
    if (kind === 'refund') return (await payments.retrieveRefund(m.stripeObjectId)).amountCents;
    if (kind === 'dispute') return (await payments.retrieveDispute(m.stripeObjectId)).amountCents;
    const transferId = await transferOf(m.transactionId);
    if (!transferId) return null;
    return (await payments.listTransferReversals(transferId)).find((r) => r.id === m.stripeObjectId)?.amountCents ?? null;
  } catch (err) {
    if (isPermanent(err)) return null;
    throw err;
  }
}

async function checkLedgerSide(deps: Pick<Platform, 'db' | 'payments'>, movements: LedgerMovement[]): Promise<Orphan[]> {
  const orphans: Orphan[] = [];
  const transferOf = async (txId: string | null) => (txId ? transferIdOf(deps.db, txId) : null);
  for (const m of movements) {
    const spec = MOVEMENT_KINDS[m.type];
    if (!spec) continue;
    const amount = await stripeAmount(deps.payments, m, spec.kind, transferOf);
    const base = { side: 'ledger' as const, kind: spec.kind, stripeObjectId: m.stripeObjectId, transactionId: m.transactionId };
    if (amount === null) orphans.push({ ...base, detail: `${m.type} movement: no such ${spec.kind} at Stripe` });
    else if (amount !== spec.amountSign * m.stripeCents)
      orphans.push({ ...base, detail: `${m.type} movement of ${spec.amountSign * m.stripeCents} cents, Stripe says ${amount}` });
  }
  return orphans;
}

/** Stripe objects that name one of our transactions (transfer group or metadata) but have no ledger movement. */
async function checkStripeSide(
  deps: Pick<Platform, 'db' | 'payments'>,
  recorded: Set<string>,
  since: Date | undefined,
): Promise<{ orphans: Orphan[]; checked: number }> {
  const known = await transactionIds(deps.db);
  const orphans: Orphan[] = [];
  let checked = 0;
  const check = (kind: StripeKind, id: string, txId: string | null, detail: string) => {
    if (!txId || !known.has(txId)) return;
    checked += 1;
    if (!recorded.has(id)) orphans.push({ side: 'stripe', kind, stripeObjectId: id, transactionId: txId, detail });
  };
  for await (const c of deps.payments.listAll('charges', since)) {
    if (c.paid && c.status === 'succeeded')
      check('charge', c.id, c.transferGroup ?? c.transactionId, `charge of ${c.amountCents} cents not in the ledger`);
  }
  for await (const t of deps.payments.listAll('transfers', since)) {
    check('transfer', t.id, t.transferGroup, `transfer of ${t.amountCents} cents not in the ledger`);
    if (t.amountReversedCents > 0) {
      for (const r of await deps.payments.listTransferReversals(t.id))
        check('reversal', r.id, t.transferGroup, `reversal of ${r.amountCents} cents not in the ledger`);
    }
  }
  for await (const r of deps.payments.listAll('refunds', since)) {
    if (r.status === 'succeeded') check('refund', r.id, r.transactionId, `refund of ${r.amountCents} cents not in the ledger`);
  }
  return { orphans, checked };
}

/**
 * Compares the ledger with Stripe, the source of truth for what moved: every movement's Stripe
 * object must exist with the same amount, and every charge, transfer, reversal and refund tied to
 * one of our transactions must have its movement. A lost webhook or a manual dashboard action
 * shows up here.
 */
export async function reconcile(deps: Pick<Platform, 'db' | 'payments'>, opts: { since?: Date } = {}): Promise<ReconcileReport> {
  const movements = await ledgerMovements(deps.db);
  const ledgerOrphans = await checkLedgerSide(deps, movements);
  const stripe = await checkStripeSide(deps, new Set(movements.map((m) => m.stripeObjectId)), opts.since);
  return { movementsChecked: movements.length, stripeObjectsChecked: stripe.checked, orphans: [...ledgerOrphans, ...stripe.orphans] };
}

/** One line per orphan, then a summary. */
export function formatReport(report: ReconcileReport): string {
  const lines = report.orphans.map(
    (o) =>
      `ORPHAN ${o.side === 'ledger' ? 'ledger→stripe' : 'stripe→ledger'} ${o.kind} ${o.stripeObjectId} tx=${o.transactionId ?? '-'}: ${o.detail}`,
  );
  lines.push(
    `checked ${report.movementsChecked} ledger movements and ${report.stripeObjectsChecked} Stripe objects: ${report.orphans.length} orphan(s)`,
  );
  return lines.join('\n');
}
