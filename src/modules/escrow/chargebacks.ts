import type { Trx } from '../../../db/connection';
import type { Transaction } from '../../../db/schema';
import type { DisputeView } from '../../providers/payments/payments';
import type { Platform } from '../../shared/platform';
import { writeOutbox, type OutboxMessage } from '../../shared/outbox';
import { postMovement } from '../ledger';
import { recordTransactionEvent } from '../transactions';
import { chargebackMovement, chargebackWonMovement } from './escrow-money';
import { escrowRepository } from './escrow.repository';

type ChargebackDeps = Pick<Platform, 'db' | 'payments' | 'logger'>;

/**
 * What a chargeback does to our disputes, supplied by the chargeback flow (src/flows/chargeback.ts):
 * the disputes module sits above escrow. Both run in escrow's database transaction, under the
 * transaction's row lock, so the money and the case commit together.
 */
export interface ChargebackDisputes {
  /**
   * Opens our dispute for the chargeback (an already open one absorbs it). `firstRecorded` is false
   * when this chargeback's ledger movement already existed: a re-run (both chargeback events processed
   * at once, or a retry) that must not repeat what only the first recording writes.
   */
  open(trx: Trx, tx: Transaction, d: DisputeView, firstRecorded: boolean): Promise<void>;
  /** Resolves our dispute the way the issuer decided; returns the messages to publish. */
  resolve(trx: Trx, tx: Transaction, d: DisputeView, won: boolean): Promise<OutboxMessage[]>;
}
export type ChargebackOutcome = 'recorded' | 'resolved' | 'not_ours' | 'ignored';

async function transactionOf(deps: ChargebackDeps, d: DisputeView): Promise<Transaction | undefined> {
  const byCharge = await escrowRepository.findByCharge(deps.db, d.chargeId);
  if (byCharge) return byCharge;
  return d.paymentIntentId ? escrowRepository.findByPaymentIntent(deps.db, d.paymentIntentId) : undefined;
}

/**
 * `charge.dispute.created`: Stripe has withdrawn the disputed amount — recorded once in the ledger
 * (held in `chargeback:<txId>` until decided) — and the transaction's funds freeze in a dispute.
 */
export async function recordChargeback(
  deps: ChargebackDeps,
  disputes: ChargebackDisputes,
  stripeDisputeId: string,
): Promise<ChargebackOutcome> {
  const d = await deps.payments.retrieveDispute(stripeDisputeId);
  const found = await transactionOf(deps, d);
  if (!found) return 'not_ours';
  return deps.db.transaction().execute(async (trx): Promise<ChargebackOutcome> => {
    const tx = (await escrowRepository.lock(trx, found.id))!;
    // Read under the row lock, so of two concurrent recordings exactly one sees `firstRecorded`.
    const firstRecorded = !(await escrowRepository.hasMovement(trx, 'chargeback', d.id));
    if (firstRecorded) {
      await postMovement(trx, chargebackMovement(tx.id, d.amountCents, d.id));
      await recordTransactionEvent(trx, tx.id, 'chargeback_received', {
        stripeDisputeId: d.id,
        amountCents: d.amountCents,
        reason: d.reason,
      });
    }
    await disputes.open(trx, tx, d, firstRecorded);
    return 'recorded';
  });
}

/** `charge.dispute.closed`: a won chargeback returns the funds; either way our dispute follows the issuer. */
export async function closeChargeback(
  deps: ChargebackDeps,
  disputes: ChargebackDisputes,
  stripeDisputeId: string,
): Promise<ChargebackOutcome> {
  const d = await deps.payments.retrieveDispute(stripeDisputeId);
  if (d.status !== 'won' && d.status !== 'lost') return 'ignored';
  const found = await transactionOf(deps, d);
  if (!found) return 'not_ours';
  return deps.db.transaction().execute(async (trx): Promise<ChargebackOutcome> => {
    const tx = (await escrowRepository.lock(trx, found.id))!;
    const won = d.status === 'won';
    if (won && !(await escrowRepository.hasMovement(trx, 'chargeback_won', d.id)))
      await postMovement(trx, chargebackWonMovement(tx.id, d.amountCents, d.id));
    await writeOutbox(trx, await disputes.resolve(trx, tx, d, won));
    return 'resolved';
  });
}
