/** Public surface of the transactions module (what other modules, flows and transports use). */
export { assertPartyRole, assertVisible, isParty, partyRole, type PartyRole } from './transactions.policy';
export { recordTransactionEvent } from './timeline';
export { getTransaction } from './transaction-views';
export { TransactionDetailSchema, TransactionIdParams } from './transaction-views.schemas';
export { recordHandoverLocation, type HandoverLocation } from './handover-location.repository';
import { transactionsRepository } from './transactions.repository';

/** A transaction by id (no visibility check: callers apply the policy above). */
export const findTransaction = transactionsRepository.findById;
/** `SELECT … FOR UPDATE` on a transaction: decisions about it are taken under this lock. */
export const lockTransaction = transactionsRepository.lockById;
