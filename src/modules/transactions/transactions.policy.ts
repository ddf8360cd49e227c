/** Who may see and act on a transaction, as plain predicates (no I/O). */
import type { Transaction } from '../../../db/schema';
import type { Actor } from '../../shared/context';
import { forbidden, notFound } from '../../shared/errors';
import { can } from '../../shared/permissions';

export type Parties = Pick<Transaction, 'buyerId' | 'sellerId'>;
export type PartyRole = 'buyer' | 'seller';

export const isBuyer = (actor: Actor, tx: Parties): boolean => actor.userId === tx.buyerId;
export const isSeller = (actor: Actor, tx: Parties): boolean => actor.userId === tx.sellerId;
export const isParty = (actor: Actor, tx: Parties): boolean => isBuyer(actor, tx) || isSeller(actor, tx);

/** The actor's side of the transaction, if any. */
export const partyRole = (actor: Actor, tx: Parties): PartyRole | undefined =>
  isBuyer(actor, tx) ? 'buyer' : isSeller(actor, tx) ? 'seller' : undefined;

/** Buyer and seller see their transaction; staff with `transactions:read` see any (and are audited). */
export const canViewTransaction = (actor: Actor, tx: Parties): boolean => isParty(actor, tx) || can(actor.role, 'transactions:read');

/** True when `actor` sees the transaction only through a staff permission (an auditable staff action). */
export const viewsAsStaff = (actor: Actor, tx: Parties): boolean => !isParty(actor, tx) && can(actor.role, 'transactions:read');

/**
 * Throws unless the actor may see the transaction (SPEC §5: another user's private resource → 404,
 * so a stranger cannot even learn that it exists). `undefined` (no such row) is a 404 as well.
 */
export function assertVisible<T extends Parties>(actor: Actor, tx: T | undefined): asserts tx is T {
  if (!tx || !canViewTransaction(actor, tx)) throw notFound('transaction');
}

/**
 * Throws unless the actor is `role` on this transaction: 404 when they cannot see it at all, 403
 * when they can (the other party, or staff) but act outside their role.
 */
export function assertPartyRole<T extends Parties>(actor: Actor, tx: T | undefined, role: PartyRole | 'party'): asserts tx is T {
  assertVisible(actor, tx);
  const mine = partyRole(actor, tx);
  if (role === 'party' ? mine !== undefined : mine === role) return;
  const who = role === 'party' ? 'the buyer or the seller' : `the ${role}`;
  throw forbidden(role === 'party' ? 'not_a_party' : `not_${role}`, `Only ${who} of this transaction can do this.`);
}
