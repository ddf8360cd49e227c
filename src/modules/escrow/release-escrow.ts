import type { Trx } from '../../../db/connection';
import type { Transaction } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import type { CrashHook } from './crash-points';
import type { TransferView } from '../../providers/payments/payments';
import { unprocessable } from '../../shared/errors';
import { writeOutbox, type OutboxMessage } from '../../shared/outbox';
import { postMovement } from '../ledger';
import { notificationJob } from '../../shared/jobs';
import { recordTransactionEvent, releasePayoutCents } from '../transactions';
import type { ReleaseReason } from '../../shared/jobs/money-jobs';
import { releaseIntentKey } from '../../shared/jobs/money-intent-key';
import { moneyIntentsRepository } from '../../shared/money-intents.repository';
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

/**
 * The payout stays due; the seller is told (once) to finish the wallet; `account.updated` re-queues it
 * under the stored reason. A chargeback can turn a payout waiting since the QR into one due by the
 * issuer's decision: the reason is replaced, or the re-queued release would never be ready.
 */
async function waitForWallet(trx: Trx, tx: Transaction, reason: ReleaseReason, payoutCents: number): Promise<ReleaseOutcome> {
  if (tx.payoutWaitingReason === reason) return 'waiting_for_wallet';
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

/** Where a paid-out sale rests: `released`, or `partially_refunded` when part went back to the buyer. */
const paidOutStatus = (tx: Transaction) => (tx.refundedCents > 0 ? 'partially_refunded' : 'released');

/** Whether the transaction's latest dispute was decided for the seller (a release). */
async function decidedForSeller(trx: Trx, tx: Transaction): Promise<boolean> {
  const dispute = await escrowRepository.latestDispute(trx, tx.id);
  return dispute?.status === 'resolved' && dispute.resolution === 'release';
}

async function markReleased(trx: Trx, tx: Transaction, transfer: TransferView, payoutCents: number, reason: ReleaseReason): Promise<void> {
  // A chargeback may have frozen a QR-released sale while Stripe made the transfer: the payout is
  // recorded (the money left), the dispute keeps the transaction `disputed` until it is decided. If
  // it was already decided for the seller, its own release request found this one in flight under
  // the same intent and did nothing: this record is the only one left to end the dispute.
  const frozen = reason === 'qr_verified' && tx.status === 'disputed' && !(await decidedForSeller(trx, tx));
  const status = frozen ? 'disputed' : paidOutStatus(tx);
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
  const status = paidOutStatus(tx);
  await escrowRepository.markReleased(trx, tx.id, null, status);
  await postMovement(trx, { ...releaseMovement(tx, ''), stripeObjectId: null });
  await recordTransactionEvent(trx, tx.id, 'escrow_released', { transferId: null, payoutCents: 0, refundedCents: tx.refundedCents, reason });
  await writeOutbox(trx, [transactionUpdate(tx, status)]);
  return 'nothing_to_pay';
}

/**
 * A chargeback on a paid-out transaction was decided for the seller: the transfer already went out, so
 * the transaction only returns to where it rested. Called under the row lock by the chargeback flow
 * directly — a release request would find the intent `release-<txId>` already succeeded and do
 * nothing. Returns the messages to publish with the caller's commit.
 */
export async function confirmEarlierRelease(trx: Trx, tx: Transaction): Promise<OutboxMessage[]> {
  if (!tx.transferId || tx.status !== 'disputed') return [];
  const status = paidOutStatus(tx);
  await escrowRepository.setStatus(trx, tx.id, status);
  await recordTransactionEvent(trx, tx.id, 'escrow_release_confirmed', { transferId: tx.transferId });
  return [transactionUpdate(tx, status)];
}

/** What the locked decision leaves to do outside the transaction: nothing, or this transfer. */
type ReleasePlan = { done: ReleaseOutcome } | { tx: Transaction; payoutCents: number; destination: string };

/** Step 1, under the row lock: everything that needs no Stripe call is decided and committed here. */
async function decideRelease(deps: ReleaseDeps, transactionId: string, reason: ReleaseReason): Promise<ReleasePlan> {
  return deps.db.transaction().execute(async (trx): Promise<ReleasePlan> => {
    const tx = (await escrowRepository.lock(trx, transactionId))!;
    if (isDone(tx)) return { done: 'already_released' };
    if (!(await isReady(trx, tx, reason))) return { done: 'not_ready' };
    if (tx.transferId) {
      await writeOutbox(trx, await confirmEarlierRelease(trx, tx));
      return { done: 'already_released' };
    }
    const payoutCents = releasePayoutCents(tx);
    // `settlementFor` never pays less than 0, so 0 is the only "nothing to pay" case.
    if (payoutCents === 0) return { done: await closeWithoutPayout(trx, tx, reason) };
    const account = await escrowRepository.sellerAccount(trx, tx.sellerId);
    if (!account?.payoutsEnabled) return { done: await waitForWallet(trx, tx, reason, payoutCents) };
    if (!tx.chargeId) throw unprocessable('no_charge', `Transaction ${tx.id} has no Stripe charge to fund its payout.`);
    return { tx, payoutCents, destination: account.stripeAccountId };
  });
}

/** Step 3, a second short transaction: the transfer Stripe made is recorded once (conditional on no transfer yet). */
async function recordTransfer(deps: ReleaseDeps, transactionId: string, transfer: TransferView, payoutCents: number, reason: ReleaseReason) {
  return deps.db.transaction().execute(async (trx): Promise<ReleaseOutcome> => {
    const tx = (await escrowRepository.lock(trx, transactionId))!;
    if (tx.transferId) return 'already_released';
    await markReleased(trx, tx, transfer, payoutCents, reason);
    return 'released';
  });
}

/**
 * Whether the seller was paid although no transfer is recorded, asked by a refund before it decides
 * there is no payout to take back. A QR release decided before the chargeback may still be calling
 * Stripe (its intent `running`): `in_flight`, the refund waits for it. Or it made the transfer and
 * crashed before recording it, and its retry now finds the sale disputed and stops: the transfer is
 * found at Stripe by `transfer_group` and recorded as the release it was (the dispute keeps the
 * transaction `disputed`), so the refund reverses it. No transfer and none running: `none` — none can
 * start any more, a QR release needs the sale `in_escrow`.
 */
export async function findUnrecordedPayout(deps: ReleaseDeps, tx: Transaction): Promise<'in_flight' | 'recorded' | 'none'> {
  if (tx.transferId) return 'none';
  const release = await moneyIntentsRepository.findByKey(deps.db, releaseIntentKey(tx.id));
  if (release?.status === 'running') return 'in_flight';
  const transfer = (await deps.payments.listTransfers(tx.id)).find((t) => t.transferGroup === tx.id);
  if (!transfer) return 'none';
  await recordTransfer(deps, tx.id, transfer, transfer.amountCents, 'qr_verified');
  return 'recorded';
}

/**
 * `escrow.release` (run by the money-intent runner): pays the seller exactly once, with no Stripe
 * call under a lock — decide under the row lock and commit (step 1), find or create the transfer
 * under the key `release-<txId>` outside any transaction (step 2), record it in a second short
 * transaction (step 3). A crash before Stripe, between Stripe and the record, or after it all end
 * in one transfer: the retry finds the transfer by `transfer_group` or replays the key.
 */
export async function releaseEscrow(deps: ReleaseDeps, transactionId: string, reason: ReleaseReason): Promise<ReleaseOutcome> {
  const first = await escrowRepository.find(deps.db, transactionId);
  if (!first) return 'not_ready';
  if (isDone(first)) return 'already_released';
  const plan = await decideRelease(deps, transactionId, reason);
  if ('done' in plan) return plan.done;
  const transfer = await findOrCreateTransfer(deps, plan.tx, plan.payoutCents, plan.destination);
  deps.crashHook?.('release.after_transfer');
  const outcome = await recordTransfer(deps, transactionId, transfer, plan.payoutCents, reason);
  if (outcome === 'released') deps.crashHook?.('release.after_commit');
  return outcome;
}
