import type { Transaction } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import type { Actor } from '../../shared/context';
import { notFound } from '../../shared/errors';
import { can } from '../../shared/permissions';
import { transactionsRepository, type TransactionParties } from '../transactions';


export type { TransactionParties };

export const isParty = (actor: Actor, tx: Pick<Transaction, 'buyerId' | 'sellerId'>): boolean =>
  actor.userId === tx.buyerId || actor.userId === tx.sellerId;

/**
 * Who may join `transaction:<id>` and read its chat (SPEC §6): buyer and seller, and staff with
 * `disputes:read` while a dispute is open. Evaluated against the transactions row on EVERY join and
 * read, never cached on the socket. The one place to change who sees a transaction's room and chat.
 */
export function canJoinTransactionRoom(actor: Actor, tx: TransactionParties): boolean {
  // Staff join only while the case is in dispute (funds frozen): SPEC §6 "staff once a dispute is open".
  return isParty(actor, tx) || (tx.status === 'disputed' && can(actor.role, 'disputes:read'));
}

/** Who may post to the chat: the parties only (staff reading a dispute do not speak in it as a party). */
export function canPostTransactionMessage(actor: Actor, tx: TransactionParties): boolean {
  return isParty(actor, tx);
}

/**
 * Loads the transaction if `allowed(actor, tx)`; otherwise 404 — a stranger cannot even tell that the
 * transaction exists (SPEC §5: another user's private resource → 404).
 */
export async function transactionFor(
  deps: Pick<Platform, 'db'>,
  actor: Actor,
  transactionId: string,
  allowed: (actor: Actor, tx: TransactionParties) => boolean,
): Promise<TransactionParties> {
  const tx = await transactionsRepository.parties(deps.db, transactionId);
  if (!tx || !allowed(actor, tx)) throw notFound('transaction');
  return tx;
}
