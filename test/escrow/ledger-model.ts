import type { TransactionStatus } from '../../db/schema';
import { chargeMovement, chargebackMovement, chargebackSettlementMovement, chargebackWonMovement, refundMovement, releaseMovement, reversalMovement } from '../../src/modules/escrow/escrow-money';
import { partialRefundPayoutCents } from '../../src/modules/transactions';
import { LedgerAccount, type Movement } from '../../src/modules/ledger';

/**
 * A reference model of escrow money: transactions as the workers move them (SPEC §3), and an
 * in-memory double-entry ledger. The property test drives it with random operations and checks the
 * ledger's invariants after each one; the DB-backed run uses it as the oracle for the real code.
 */
export interface ModelTx {
  id: string;
  amountCents: number;
  commissionBps: number;
  escrowFeeCents: number;
  refundedCents: number;
  status: TransactionStatus;
  transferred: boolean;
  dispute: null | { source: 'party' | 'chargeback'; open: boolean };
  chargebackCents: number;
  /** The charge was disputed at the bank once: Stripe (and its stand-in) allow one dispute per charge. */
  chargedBack: boolean;
  movements: string[];
}

export type Op =
  | { kind: 'pay'; tx: number }
  | { kind: 'verify'; tx: number }
  | { kind: 'dispute'; tx: number }
  | { kind: 'resolve'; tx: number; resolution: 'release' | 'refund' | 'partial_refund'; fraction: number }
  | { kind: 'chargeback'; tx: number }
  | { kind: 'chargeback_close'; tx: number; won: boolean };

export class ModelLedger {
  readonly balances = new Map<string, number>();
  chargebacksSeen = 0;

  post(m: Movement): void {
    const sum = m.lines.reduce((acc, l) => acc + l.amountCents, 0);
    if (sum !== 0) throw new Error(`unbalanced ${m.type}: ${sum}`);
    for (const l of m.lines) this.balances.set(l.account, (this.balances.get(l.account) ?? 0) + l.amountCents);
    if (m.type === 'chargeback') this.chargebacksSeen += 1;
  }

  balance(code: string): number {
    return this.balances.get(code) ?? 0;
  }
}

export function newModelTx(id: string, amountCents: number): ModelTx {
  return {
    id,
    amountCents,
    commissionBps: 600,
    escrowFeeCents: 199,
    refundedCents: 0,
    status: 'pending_payment',
    transferred: false,
    dispute: null,
    chargebackCents: 0,
    chargedBack: false,
    movements: [],
  };
}

/** The partial refund an op asks for: a fraction of the amount, valid only if the seller keeps a positive payout. */
export function partialAmount(tx: ModelTx, fraction: number): number | null {
  const x = Math.max(1, Math.floor(tx.amountCents * fraction));
  if (x >= tx.amountCents - tx.refundedCents || partialRefundPayoutCents(tx, x) <= 0) return null;
  return x;
}

function post(ledger: ModelLedger, tx: ModelTx, m: Movement): void {
  ledger.post(m);
  tx.movements.push(m.type);
}

function release(ledger: ModelLedger, tx: ModelTx): void {
  if (!tx.transferred) post(ledger, tx, releaseMovement(tx, `tr_${tx.id}`));
  tx.transferred = true;
  tx.status = tx.refundedCents > 0 ? 'partially_refunded' : 'released';
}

/** A refund of `x`: reversal first after a payout; settled against a chargeback when the charge was charged back. */
function refund(ledger: ModelLedger, tx: ModelTx, x: number): void {
  if (tx.transferred) post(ledger, tx, reversalMovement(tx, x, `trr_${tx.id}`));
  if (tx.chargebackCents > 0) post(ledger, tx, chargebackSettlementMovement(tx.id, x, `dp_${tx.id}`));
  else post(ledger, tx, refundMovement(tx.id, x, `re_${tx.id}`));
  tx.refundedCents += x;
  if (tx.refundedCents >= tx.amountCents) tx.status = 'refunded';
  else if (tx.transferred) tx.status = 'partially_refunded';
  else release(ledger, tx);
}

/** Applies `op` if its preconditions hold; returns whether anything happened. */
export function applyOp(ledger: ModelLedger, txs: ModelTx[], op: Op): boolean {
  const tx = txs[op.tx % txs.length];
  switch (op.kind) {
    case 'pay':
      if (tx.status !== 'pending_payment') return false;
      post(ledger, tx, chargeMovement(tx.id, tx.amountCents, `ch_${tx.id}`));
      tx.status = 'in_escrow';
      return true;
    case 'verify':
      if (tx.status !== 'in_escrow') return false;
      release(ledger, tx);
      return true;
    case 'dispute':
      if (tx.status !== 'in_escrow') return false;
      tx.status = 'disputed';
      tx.dispute = { source: 'party', open: true };
      return true;
    case 'resolve': {
      if (tx.status !== 'disputed' || tx.dispute?.source !== 'party' || !tx.dispute.open) return false;
      const x =
        op.resolution === 'refund'
          ? tx.amountCents - tx.refundedCents
          : op.resolution === 'partial_refund'
            ? partialAmount(tx, op.fraction)
            : 0;
      if (x === null) return false;
      tx.dispute.open = false;
      if (op.resolution === 'release') release(ledger, tx);
      else refund(ledger, tx, x);
      return true;
    }
    case 'chargeback':
      if ((tx.status !== 'in_escrow' && tx.status !== 'released') || tx.chargedBack) return false;
      tx.chargedBack = true;
      tx.chargebackCents = tx.amountCents - tx.refundedCents;
      post(ledger, tx, chargebackMovement(tx.id, tx.chargebackCents, `dp_${tx.id}`));
      tx.status = 'disputed';
      tx.dispute = { source: 'chargeback', open: true };
      return true;
    case 'chargeback_close':
      if (tx.dispute?.source !== 'chargeback' || !tx.dispute.open) return false;
      tx.dispute.open = false;
      if (op.won) {
        post(ledger, tx, chargebackWonMovement(tx.id, tx.chargebackCents, `dp_${tx.id}`));
        tx.chargebackCents = 0;
        release(ledger, tx);
      } else {
        refund(ledger, tx, Math.min(tx.chargebackCents, tx.amountCents - tx.refundedCents));
      }
      return true;
  }
}

/** What escrow must hold: the remaining amount of every funded transaction whose payout has not gone out. */
export function expectedEscrowTotal(txs: ModelTx[]): number {
  return txs
    .filter((t) => !t.transferred && (t.status === 'in_escrow' || t.status === 'disputed'))
    .reduce((sum, t) => sum - (t.amountCents - t.refundedCents), 0);
}

/** The invariants, given every account's balance; returns the violations (empty when all hold). */
export function ledgerViolations(balances: Map<string, number>, txs: ModelTx[], chargebacksSeen: number): string[] {
  const problems: string[] = [];
  let total = 0;
  let escrowTotal = 0;
  let chargebacks = 0;
  for (const [code, value] of balances) {
    total += value;
    if (code.startsWith('escrow:')) {
      escrowTotal += value;
      if (value > 0) problems.push(`${code} is positive (${value}): released or refunded more than held`);
    }
    if (code.startsWith('chargeback:')) {
      chargebacks += value;
      if (value < 0) problems.push(`${code} is negative (${value})`);
    }
    if (code.startsWith('revenue:') && value > 0) problems.push(`${code} is positive (${value})`);
  }
  const stripe = balances.get(LedgerAccount.stripeBalance) ?? 0;
  if (total !== 0) problems.push(`balances sum to ${total}, not 0`);
  if (stripe + chargebacks < 0) problems.push(`paid out more than collected: stripe_balance ${stripe} + chargebacks ${chargebacks} < 0`);
  if (chargebacksSeen === 0 && stripe < 0) problems.push(`stripe_balance negative (${stripe}) without any chargeback`);
  const expected = expectedEscrowTotal(txs);
  if (escrowTotal !== expected) problems.push(`escrow total ${escrowTotal} ≠ funded-unreleased remaining ${expected}`);
  return problems;
}
