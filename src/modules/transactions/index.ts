/** Public surface of the transactions module (what other modules, flows and transports use). */
/** Sales created by the auctions module inside its own database transaction (fees fixed at creation). */
export { createSales, type NewSale, type SaleTerms } from './create-sales';
/** Outbox messages announcing a new sale. */
export { transactionCreatedMessages } from './transaction-events';
/** The public view of a transaction and its OpenAPI schema (the buy-now answer). */
export { presentTransaction } from './transactions.presenter';
export { TransactionSchema } from './transactions.schemas';
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
