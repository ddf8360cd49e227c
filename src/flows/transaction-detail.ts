import type { Transaction } from '../../db/schema';
import { disputesRepository, presentDispute, type DisputeRow } from '../modules/disputes';
import { partyRole, presentTransaction, visibleTransaction } from '../modules/transactions';
import type { Actor, Ctx } from '../shared/context';
import type { Platform } from '../shared/platform';

/**
 * The transaction detail view: the transaction (transactions module), its latest dispute (disputes
 * module) and the viewer's side of it. A flow because disputes sits above transactions in the module
 * graph; used by the transactions routes and the QR verification route.
 */

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The transaction with what its viewer needs next: payment time, their role, the dispute. */
export function presentTransactionDetail(tx: Transaction, actor: Actor, dispute: DisputeRow | undefined) {
  return {
    ...presentTransaction(tx),
    paidAt: iso(tx.paidAt),
    cancelledAt: iso(tx.cancelledAt),
    myRole: partyRole(actor, tx) ?? null,
    dispute: dispute ? presentDispute(dispute) : null,
  };
}

/** GET /transactions/:id — buyer, seller, or staff with `transactions:read` (staff reads are audited). */
export async function getTransaction(deps: Pick<Platform, 'db'>, ctx: Ctx, id: string) {
  const tx = await visibleTransaction(deps, ctx, id, 'transaction.viewed');
  return presentTransactionDetail(tx, ctx.actor, await disputesRepository.latestForTransaction(deps.db, tx.id));
}
