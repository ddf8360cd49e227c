import type { Trx } from '../../../db/connection';
import type { Transaction } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import type { CrashHook } from './crash-points';
import type { TransferView } from '../../providers/payments/payments';
import { unprocessable } from '../../shared/errors';
import { writeOutbox } from '../../shared/outbox';
import { postMovement } from '../ledger';
import { notificationJob } from '../../shared/jobs';
import { recordTransactionEvent, releasePayoutCents } from '../transactions';
import type { ReleaseReason } from '../../shared/jobs/money-jobs';
import { releaseMovement } from './escrow-money';
import { escrowRepository, transactionUpdate } from './escrow.repository';

export type ReleaseOutcome = 'released' | 'already_released' | 'waiting_for_wallet' | 'not_ready' | 'nothing_to_pay';

type ReleaseDeps = Pick<Platform, 'db' | 'payments' | 'logger'> & { crashHook?: CrashHook };

const isDone = (tx: Transaction) => tx.transferId !== null && (tx.status === 'released' || tx.status === 'partially_refunded');

/** SPEC §3 preconditions: a verified pickup, or a resolved dispute that pays the seller (release, or the rest after a partial refund). */
async function isReady(trx: Trx, tx: Transaction, reason: ReleaseReason): Promise<boolean> {
  if (reason === 'qr_verified') return tx.status === 'in_escrow' && tx.verifiedAt !== null;
  if (tx.status !== 'disputed') return false;
  const dispute = await escrowRepository.latestDispute(trx, tx.id);
  if (!dispute || dispute.status !== 'resolved') return false;
  return dispute.resolution === 'release' || (dispute.resolution === 'partial_refund' && tx.refundId !== null);
}

/** The payout stays due; the seller is told (once) to finish the wallet; `account.updated` re-queues it. */
async function waitForWallet(trx: Trx, tx: Transaction, reason: ReleaseReason, payoutCents: number): Promise<ReleaseOutcome> {
  if (tx.payoutWaitingReason) return 'waiting_for_wallet';
  await escrowRepository.markPayoutWaiting(trx, tx.id, reason);
  await recordTransactionEvent(trx, tx.id, 'payout_waiting_for_wallet', { reason, payoutCents });
  await writeOutbox(trx, [
    notificationJob({
      userId: tx.sellerId,
      type: 'escrow_released',
      dedupeKey: `wallet-needed-${tx.id}`,
      text: { key: 'wallet_needed', params: { payoutCents } },
      data: { transactionId: tx.id, payoutCents, action: 'setup_wallet' },
    }),
  ]);
  return 'waiting_for_wallet';
}

/**
 * The one transfer of this transaction: an earlier attempt's (found by `transfer_group`, whatever
 * happened to us after Stripe made it), else a new one under the key `release-<txId>`.
 */
async function findOrCreateTransfer(deps: ReleaseDeps, tx: Transaction, payoutCents: number, destination: string): Promise<TransferView> {
  deps.crashHook?.('release.before_transfer');
  const existing = (await deps.payments.listTransfers(tx.id)).find((t) => t.transferGroup === tx.id);
  if (existing) {
    if (existing.amountCents !== payoutCents)
      deps.logger.warn({ transactionId: tx.id, transferId: existing.id, payoutCents }, 'existing transfer differs from the payout');
    return existing;
  }
  return deps.payments.createTransfer({ transactionId: tx.id, amountCents: payoutCents, destination, sourceCharge: tx.chargeId! });
}

async function markReleased(trx: Trx, tx: Transaction, transfer: TransferView, payoutCents: number): Promise<void> {
  const status = tx.refundedCents > 0 ? 'partially_refunded' : 'released';
  await escrowRepository.markReleased(trx, tx.id, transfer.id, status);
  await postMovement(trx, releaseMovement(tx, transfer.id));
  await recordTransactionEvent(trx, tx.id, 'escrow_released', { transferId: transfer.id, payoutCents, refundedCents: tx.refundedCents });
  await writeOutbox(trx, [
    transactionUpdate(tx, status),
    notificationJob({
      userId: tx.sellerId,
      type: 'escrow_released',
      dedupeKey: `escrow-released-${tx.id}`,
      text: { key: 'escrow_released', params: { payoutCents } },
      data: { transactionId: tx.id, payoutCents, transferId: transfer.id },
    }),
  ]);
}

/**
 * SPEC §1 allows a partial refund that leaves the seller exactly 0: the sale closes without a Stripe
 * transfer (Stripe refuses 0-amount transfers), our fees move out of escrow, and no "you got paid" notice.
 */
async function closeWithoutPayout(trx: Trx, tx: Transaction, reason: ReleaseReason): Promise<ReleaseOutcome> {
  const status = tx.refundedCents > 0 ? 'partially_refunded' : 'released';
  await escrowRepository.markReleased(trx, tx.id, null, status);
  await postMovement(trx, { ...releaseMovement(tx, ''), stripeObjectId: null });
  await recordTransactionEvent(trx, tx.id, 'escrow_released', { transferId: null, payoutCents: 0, refundedCents: tx.refundedCents, reason });
  await writeOutbox(trx, [transactionUpdate(tx, status)]);
  return 'nothing_to_pay';
}

/** A chargeback on a released transaction was decided for the seller: the payout already went out. */
async function confirmEarlierRelease(trx: Trx, tx: Transaction): Promise<ReleaseOutcome> {
  const status = tx.refundedCents > 0 ? 'partially_refunded' : 'released';
  await escrowRepository.setStatus(trx, tx.id, status);
  await recordTransactionEvent(trx, tx.id, 'escrow_release_confirmed', { transferId: tx.transferId });
  await writeOutbox(trx, [transactionUpdate(tx, status)]);
  return 'already_released';
}

/**
 * `escrow.release`: pays the seller exactly once. Decided under the transaction's row lock (one
 * release at a time), the transfer is looked up before it is created and created under a key
 * derived from the transaction, and its id, the status and the ledger commit together. A crash
 * before Stripe, between Stripe and the commit, or after the commit all end in one transfer.
 */
export async function releaseEscrow(deps: ReleaseDeps, transactionId: string, reason: ReleaseReason): Promise<ReleaseOutcome> {
  const first = await escrowRepository.find(deps.db, transactionId);
  if (!first) return 'not_ready';
  if (isDone(first)) return 'already_released';
  const outcome = await deps.db.transaction().execute(async (trx): Promise<ReleaseOutcome> => {
    const tx = (await escrowRepository.lock(trx, transactionId))!;
    if (isDone(tx)) return 'already_released';
    if (!(await isReady(trx, tx, reason))) return 'not_ready';
    if (tx.transferId) return confirmEarlierRelease(trx, tx);
    const payoutCents = releasePayoutCents(tx);
    // `settlementFor` never pays less than 0, so 0 is the only "nothing to pay" case.
    if (payoutCents === 0) return closeWithoutPayout(trx, tx, reason);
    const account = await escrowRepository.sellerAccount(trx, tx.sellerId);
    if (!account?.payoutsEnabled) return waitForWallet(trx, tx, reason, payoutCents);
    if (!tx.chargeId) throw unprocessable('no_charge', `Transaction ${tx.id} has no Stripe charge to fund its payout.`);
    const transfer = await findOrCreateTransfer(deps, tx, payoutCents, account.stripeAccountId);
    deps.crashHook?.('release.after_transfer');
    await markReleased(trx, tx, transfer, payoutCents);
    return 'released';
  });
  if (outcome === 'released') deps.crashHook?.('release.after_commit');
  return outcome;
}
