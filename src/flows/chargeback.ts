import type { Trx } from '../../db/connection';
import type { Transaction } from '../../db/schema';
import { disputesRepository, openDispute } from '../modules/disputes';
import {
  closeChargeback as closeChargebackFunds,
  confirmEarlierRelease,
  recordChargeback as recordChargebackFunds,
  recordStaffWork,
  transactionUpdate,
  type ChargebackDisputes,
  type ChargebackOutcome,
} from '../modules/escrow';
import { canTransition, partialRefundPayoutCents, recordTransactionEvent } from '../modules/transactions';
import type { DisputeView } from '../providers/payments/payments';
import { refundJob, releaseJob } from '../shared/jobs/money-jobs';
import { notificationJob } from '../shared/jobs';
import type { OutboxMessage } from '../shared/outbox';
import type { Platform } from '../shared/platform';
import { STAFF_ROOM } from '../shared/rooms';

/**
 * The chargeback use case: escrow records the money a card network withdrew (ledger, timeline) and
 * the disputes module opens — later resolves, as the issuer decided — our dispute for it, in one
 * database transaction under the transaction's row lock. A flow because disputes sits above escrow.
 */

type ChargebackDeps = Pick<Platform, 'db' | 'payments' | 'logger'>;

/** Opens our dispute for a chargeback (also after release); an already open party dispute absorbs it. */
async function openChargebackDispute(trx: Trx, tx: Transaction, d: DisputeView, firstRecorded: boolean): Promise<void> {
  if (await disputesRepository.findByStripeId(trx, d.id)) return;
  const open = await disputesRepository.openIdOf(trx, tx.id);
  if (!open && !canTransition(tx.status, 'disputed')) {
    // No dispute row marks this branch as done, so a second recording (`created` and `closed` processed
    // at once, or a retry) would add the staff note again: only the recording that posted the movement writes it.
    if (firstRecorded)
      await recordStaffWork(trx, tx.id, 'chargeback_received', { stripeDisputeId: d.id, amountCents: d.amountCents, status: tx.status });
    return;
  }
  await openDispute(trx, tx, {
    source: 'chargeback',
    openedBy: null,
    reason: 'chargeback',
    details: `The buyer's card issuer opened a chargeback (${d.reason}) for ${d.amountCents} cents.`,
    stripeDisputeId: d.id,
  });
}

/** Resolves our chargeback dispute the way the issuer decided: won → release, lost → refund of the disputed amount. */
async function resolveFromIssuer(trx: Trx, tx: Transaction, d: DisputeView, won: boolean): Promise<OutboxMessage[]> {
  const ours = await disputesRepository.findByStripeId(trx, d.id);
  if (!ours || ours.status !== 'open') {
    if (!won) await recordStaffWork(trx, tx.id, 'chargeback_lost', { stripeDisputeId: d.id, amountCents: d.amountCents });
    return [];
  }
  const remaining = tx.amountCents - tx.refundedCents;
  const full = d.amountCents >= remaining;
  if (!won && !full && partialRefundPayoutCents(tx, d.amountCents) < 0) {
    await recordStaffWork(trx, tx.id, 'chargeback_lost', { stripeDisputeId: d.id, amountCents: d.amountCents });
    return [];
  }
  const resolution = won ? 'release' : full ? 'refund' : 'partial_refund';
  const refundCents = won ? null : Math.min(d.amountCents, remaining);
  await disputesRepository.resolveFromIssuer(trx, ours.id, {
    resolution,
    refundCents,
    note: `Card issuer decided: chargeback ${won ? 'won' : 'lost'}.`,
  });
  await recordTransactionEvent(trx, tx.id, 'dispute_resolved', { disputeId: ours.id, resolution, refundCents, source: 'chargeback' });
  const notify = [tx.buyerId, tx.sellerId].map((userId) =>
    notificationJob({
      userId,
      type: 'dispute_resolved',
      dedupeKey: `dispute-resolved-${ours.id}-${userId}`,
      text: { key: 'chargeback_decided', params: { sellerWon: won } },
      data: { transactionId: tx.id, disputeId: ours.id, resolution },
    }),
  );
  // The console's live queue hears the issuer's decision as it hears a staff one (resolveDispute).
  const staffQueue: OutboxMessage = {
    kind: 'event',
    rooms: [STAFF_ROOM],
    event: 'transaction_update',
    data: { transactionId: tx.id, status: tx.status, dispute: { id: ours.id, status: 'resolved', resolution } },
  };
  return [...(await moneyAfterDecision(trx, tx, won, refundCents, ours.id)), ...notify, staffQueue];
}

/**
 * What the issuer's decision leaves to do with the money. Won after the payout went out: nothing to
 * pay, so the transaction is confirmed `released` here — a release job would find the intent
 * `release-<txId>` already succeeded and never end the dispute. Won before: the payout (an in-flight
 * QR release, if any, owns the intent and ends `released` itself). Lost: the refund.
 */
async function moneyAfterDecision(
  trx: Trx,
  tx: Transaction,
  won: boolean,
  refundCents: number | null,
  disputeId: string,
): Promise<OutboxMessage[]> {
  if (won && tx.transferId) return confirmEarlierRelease(trx, tx);
  const job = won ? releaseJob(tx.id, 'dispute_resolved', disputeId) : refundJob(tx.id, refundCents!, disputeId);
  return [job, transactionUpdate(tx, tx.status)];
}

const disputes: ChargebackDisputes = { open: openChargebackDispute, resolve: resolveFromIssuer };

/**
 * `charge.dispute.created`: Stripe has withdrawn the disputed amount — recorded once in the ledger
 * (held in `chargeback:<txId>` until decided) — and the transaction's funds freeze in a dispute.
 */
export function recordChargeback(deps: ChargebackDeps, stripeDisputeId: string): Promise<ChargebackOutcome> {
  return recordChargebackFunds(deps, disputes, stripeDisputeId);
}

/** `charge.dispute.closed`: a won chargeback returns the funds; either way our dispute follows the issuer. */
export function closeChargeback(deps: ChargebackDeps, stripeDisputeId: string): Promise<ChargebackOutcome> {
  return closeChargebackFunds(deps, disputes, stripeDisputeId);
}
