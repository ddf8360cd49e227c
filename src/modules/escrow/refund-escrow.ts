import type { Trx } from '../../../db/connection';
import type { Transaction } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import type { CrashHook } from './crash-points';
import { isPermanent, type RefundView, type ReversalView } from '../../providers/payments/payments';
import { unprocessable } from '../../shared/errors';
import { writeOutbox, type OutboxMessage } from '../../shared/outbox';
import { balanceOf, latestMovementOf, LedgerAccount, postMovement } from '../ledger';
import { partialRefundPayoutCents, recordTransactionEvent, transactionsRepository } from '../transactions';
import { releaseJob } from '../../shared/jobs/money-jobs';
import { notificationJob } from '../../shared/jobs';
import { chargebackSettlementMovement, refundMovement, reversalCents, reversalMovement } from './escrow-money';
import { escrowRepository, recordStaffWork, transactionUpdate } from './escrow.repository';
import { findUnrecordedPayout } from './release-escrow';

export interface RefundInput {
  transactionId: string;
  amountCents: number;
  disputeId: string;
}

export type RefundOutcome = 'refunded' | 'already_refunded' | 'reversal_failed' | 'blocked_by_chargeback' | 'not_ready' | 'release_in_flight';

type RefundDeps = Pick<Platform, 'db' | 'payments' | 'logger'> & { crashHook?: CrashHook };

/** The job must match a resolved refund decision of that dispute (a worker never invents an amount). */
async function assertDecided(deps: RefundDeps, tx: Transaction, input: RefundInput): Promise<void> {
  const dispute = await escrowRepository.dispute(deps.db, input.disputeId);
  const decided =
    dispute?.transactionId === tx.id &&
    dispute.status === 'resolved' &&
    (dispute.resolution === 'refund' || dispute.resolution === 'partial_refund');
  if (!decided) throw unprocessable('refund_not_decided', `No resolved refund decision ${input.disputeId} on transaction ${tx.id}.`);
  const remaining = tx.amountCents - tx.refundedCents;
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0 || input.amountCents > remaining) {
    throw unprocessable('invalid_refund_amount', `Refund of ${input.amountCents} cents on ${remaining} remaining.`);
  }
}

/**
 * Refund after the payout went out: first take the seller's share of the refunded part back from
 * the connected account — Stripe called outside any transaction, the reversal recorded after in a
 * short one (conditional on none yet). Stripe may refuse (the seller already paid it out): then
 * staff see it — a `reversal_failed` timeline entry and a system audit row — and the intent runner
 * keeps it `failing` and retrying (a later attempt succeeds once the connected account has funds).
 */
async function reverseRelease(deps: RefundDeps, input: RefundInput): Promise<'reversed' | 'reversal_failed'> {
  const tx = (await escrowRepository.find(deps.db, input.transactionId))!;
  if (tx.reversalId || tx.refundId) return 'reversed';
  const key = `reversal-${tx.id}-${input.disputeId}`;
  const amount = reversalCents(tx, input.amountCents);
  let reversal: ReversalView | null = null;
  if (amount > 0) {
    try {
      const existing = (await deps.payments.listTransferReversals(tx.transferId!)).find((r) => r.key === key);
      reversal = existing ?? (await deps.payments.createTransferReversal(tx.transferId!, amount, key, tx.id));
    } catch (err) {
      if (!isPermanent(err)) throw err;
      const error = err instanceof Error ? err.message : String(err);
      await deps.db.transaction().execute((trx) => recordReversalFailure(trx, tx, input, amount, error));
      return 'reversal_failed';
    }
  }
  deps.crashHook?.('refund.after_reversal');
  await deps.db.transaction().execute(async (trx) => {
    const locked = (await escrowRepository.lock(trx, tx.id))!;
    if (locked.reversalId) return;
    await escrowRepository.setReversal(trx, tx.id, reversal?.id ?? `none-${key}`);
    await postMovement(trx, reversalMovement(tx, input.amountCents, reversal?.id ?? null));
    await recordTransactionEvent(trx, tx.id, 'transfer_reversed', {
      transferId: tx.transferId,
      reversalId: reversal?.id ?? null,
      amountCents: amount,
    });
  });
  return 'reversed';
}

async function recordReversalFailure(trx: Trx, tx: Transaction, input: RefundInput, amount: number, error: string): Promise<void> {
  const seen = await transactionsRepository.hasEventWith(trx, tx.id, 'reversal_failed', 'disputeId', input.disputeId);
  if (!seen)
    await recordStaffWork(trx, tx.id, 'reversal_failed', {
      disputeId: input.disputeId,
      transferId: tx.transferId,
      amountCents: amount,
      refundCents: input.amountCents,
      error,
    });
}

/** The Stripe refund under `refund-<txId>-<disputeId>`: found again after a crash, else created. */
async function findOrCreateRefund(deps: RefundDeps, tx: Transaction, input: RefundInput): Promise<RefundView> {
  const key = `refund-${tx.id}-${input.disputeId}`;
  const existing = (await deps.payments.listRefunds(tx.paymentIntentId!)).find((r) => r.key === key);
  return (
    existing ??
    deps.payments.createRefund({
      key,
      paymentIntentId: tx.paymentIntentId!,
      amountCents: input.amountCents,
      transactionId: tx.id,
      reason: 'dispute',
    })
  );
}

/**
 * A charged-back charge cannot be refunded (the card network already returned the money): the
 * refund is settled against the funds Stripe withdrew for the chargeback, or left to staff.
 */
async function settleAgainstChargeback(trx: Trx, tx: Transaction, input: RefundInput): Promise<string | null> {
  const held = await balanceOf(trx, LedgerAccount.chargeback(tx.id));
  const chargeback = await latestMovementOf(trx, tx.id, 'chargeback');
  if (held < input.amountCents || !chargeback?.stripeObjectId) {
    // Noted once per decision: the intent is retried (and listed as failing) until it can settle.
    if (await transactionsRepository.hasEventWith(trx, tx.id, 'refund_blocked_by_chargeback', 'disputeId', input.disputeId)) return null;
    await recordStaffWork(trx, tx.id, 'refund_blocked_by_chargeback', {
      disputeId: input.disputeId,
      refundCents: input.amountCents,
      chargebackHeldCents: held,
    });
    return null;
  }
  await postMovement(trx, chargebackSettlementMovement(tx.id, input.amountCents, chargeback.stripeObjectId));
  return `chargeback-${chargeback.stripeObjectId}`;
}

/**
 * Stripe keeps `charge.disputed` once a dispute is closed. A chargeback the issuer decided for us gave
 * the money back, and Stripe refunds the charge again; an open or lost one — or one not recorded here
 * yet — still holds the buyer's money at the card network, so the refund is settled against it.
 */
async function chargebackWon(deps: RefundDeps, tx: Transaction): Promise<boolean> {
  const chargeback = await latestMovementOf(deps.db, tx.id, 'chargeback');
  if (!chargeback?.stripeObjectId) return false;
  return (await deps.payments.retrieveDispute(chargeback.stripeObjectId)).status === 'won';
}

/** Tells the buyer their refund went out (once per dispute decision). */
export function refundNotice(tx: Transaction, amountCents: number, full: boolean, reasonKey: string): OutboxMessage {
  return notificationJob({
    userId: tx.buyerId,
    type: 'refund_issued',
    dedupeKey: `refund-issued-${tx.id}-${reasonKey}`,
    text: { key: 'refund_issued', params: { amountCents, full } },
    data: { transactionId: tx.id, listingId: tx.listingId, amountCents },
  });
}

/** Refund committed: full → `refunded`; partial → the rest is released (or, after a payout, `partially_refunded`). */
async function markRefunded(trx: Trx, tx: Transaction, input: RefundInput, refundId: string): Promise<void> {
  const total = tx.refundedCents + input.amountCents;
  const full = total >= tx.amountCents;
  const status = full ? 'refunded' : tx.transferId ? 'partially_refunded' : tx.status;
  await escrowRepository.markRefunded(trx, tx.id, refundId, total, status);
  await recordTransactionEvent(trx, tx.id, 'refunded', { refundId, amountCents: input.amountCents, disputeId: input.disputeId });
  const messages: OutboxMessage[] = [transactionUpdate(tx, status, { refundedCents: total }), refundNotice(tx, input.amountCents, full, input.disputeId)];
  if (!full && !tx.transferId) messages.push(releaseJob(tx.id, 'dispute_resolved', input.disputeId));
  await writeOutbox(trx, messages);
}

/** A charged-back charge is settled against the chargeback's funds, under the row lock (no Stripe call inside). */
async function settleChargedBack(deps: RefundDeps, input: RefundInput): Promise<RefundOutcome> {
  return deps.db.transaction().execute(async (trx): Promise<RefundOutcome> => {
    const tx = (await escrowRepository.lock(trx, input.transactionId))!;
    if (tx.refundId) return 'already_refunded';
    if (tx.status !== 'disputed') return 'not_ready';
    const refundId = await settleAgainstChargeback(trx, tx, input);
    if (!refundId) return 'blocked_by_chargeback';
    await markRefunded(trx, tx, input, refundId);
    return 'refunded';
  });
}

/** Step 3 of a card refund: the refund Stripe made, recorded once (conditional on no refund yet) with the ledger. */
async function recordRefund(deps: RefundDeps, input: RefundInput, refund: RefundView): Promise<RefundOutcome> {
  return deps.db.transaction().execute(async (trx): Promise<RefundOutcome> => {
    const tx = (await escrowRepository.lock(trx, input.transactionId))!;
    if (tx.refundId) return 'already_refunded';
    // The money went back to the buyer whatever happened meanwhile: it is recorded, never dropped.
    await postMovement(trx, refundMovement(tx.id, input.amountCents, refund.id));
    await markRefunded(trx, tx, input, refund.id);
    return 'refunded';
  });
}

/**
 * `escrow.refund` (a dispute's refund decision, run by the money-intent runner): reversal first if
 * the payout already went out, then one Stripe refund (`refund-<txId>-<disputeId>`). No Stripe call
 * under a lock: the decision is the committed intent; Stripe is called outside any transaction; the
 * refund id, amount, status, ledger and the follow-up release of a partial refund's remainder (its
 * own intent) commit together in a second short transaction. Idempotent end to end.
 */
export async function refundEscrow(deps: RefundDeps, input: RefundInput): Promise<RefundOutcome> {
  const first = await escrowRepository.find(deps.db, input.transactionId);
  if (!first) return 'not_ready';
  if (first.refundId) return 'already_refunded';
  if (first.status !== 'disputed') return 'not_ready';
  await assertDecided(deps, first, input);
  if (!first.chargeId || !first.paymentIntentId)
    throw unprocessable('no_charge', `Transaction ${first.id} has no Stripe payment to refund.`);
  if (
    !first.transferId &&
    first.refundedCents === 0 &&
    input.amountCents < first.amountCents &&
    partialRefundPayoutCents(first, input.amountCents) < 0
  ) {
    throw unprocessable('partial_refund_leaves_nothing', 'This partial refund leaves the seller a negative payout after fees.');
  }
  // A payout made but not (yet) recorded is taken back like a recorded one; one still being made is waited for.
  const payout = await findUnrecordedPayout(deps, first);
  if (payout === 'in_flight') return 'release_in_flight';
  const paidOut = first.transferId !== null || payout === 'recorded';
  if (paidOut && (await reverseRelease(deps, input)) === 'reversal_failed') return 'reversal_failed';
  const charge = await deps.payments.retrieveCharge(first.chargeId);
  if (charge.disputed && !(await chargebackWon(deps, first))) return settleChargedBack(deps, input);
  const refund = await findOrCreateRefund(deps, first, input);
  deps.crashHook?.('refund.after_refund');
  return recordRefund(deps, input, refund);
}
