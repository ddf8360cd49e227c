import type { Transaction } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import type { Actor } from '../../shared/context';
import { notFound } from '../../shared/errors';
import { can } from '../../shared/permissions';
import { transactionRoom, transactionStaffRoom } from '../../shared/rooms';
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

/** The room a permitted actor's socket follows the transaction in: the parties', or staff's. */
export const roomToFollow = (actor: Actor, tx: TransactionParties): string => (isParty(actor, tx) ? transactionRoom(tx.id) : transactionStaffRoom(tx.id));

/**
 * Where a chat event (a message, a read receipt) goes: the parties' room, and staff's only while the
 * transaction is disputed — once the case is decided the chat is the parties' alone again (SPEC §6),
 * even for a staff socket that joined during the dispute and never left.
 */
export const chatRooms = (tx: Pick<TransactionParties, 'id' | 'status'>): string[] =>
  tx.status === 'disputed' ? [transactionRoom(tx.id), transactionStaffRoom(tx.id)] : [transactionRoom(tx.id)];

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
