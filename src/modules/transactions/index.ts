import { transactionsRepository } from './transactions.repository';

/** Public surface of the transactions module (a sale between a buyer and a seller, and its timeline). */

/** Who may see and act on a transaction (pure predicates and assertions). */
export {
  assertPartyRole,
  assertVisible,
  canViewTransaction,
  isBuyer,
  isParty,
  isSeller,
  partyRole,
  viewsAsStaff,
  type Parties,
  type PartyRole,
} from './transactions.policy';
/** The state table (SPEC §3). */
export { TRANSITIONS, assertTransition, canTransition } from './transactions.state';
/** A sale's money split (SPEC §1). */
export { partialRefundPayoutCents, releasePayoutCents, settlementFor, type FeeFields, type Settlement } from './sale-money';
/** Reads, locks and the writes other modules make through this module; the timeline. */
export {
  recordTransactionEvent,
  transactionsRepository,
  type TransactionListFilter,
  type TransactionParties,
} from './transactions.repository';
/** Side effects of a new transaction (rooms, payment reminder and deadline jobs). */
export { transactionCreatedMessages } from './transaction-events';
/** Presentation and the views parties and staff read. */
export { presentTransaction } from './transactions.presenter';
export { TransactionSchema } from './transactions.schemas';
export { TransactionIdParams } from './transaction-views.schemas';
export { myTransactions, transactionTimeline, visibleTransaction, type MyTransactionsQuery } from './transaction-views';
/** Sales created by the auctions module inside its own database transaction (fees fixed at creation). */
export { createSales, type NewSale, type SaleTerms } from './create-sales';
/** Where the seller scanned the buyer's QR code (SPEC §9), written by the handover flow. */
export { recordHandoverLocation, type HandoverLocation } from './handover-location.repository';

/** A transaction by id (no visibility check: callers apply the policy above). */
export const findTransaction = transactionsRepository.findById;
/** The newest sale of a listing, if any. */
export const latestSaleOfListing = transactionsRepository.latestForListing;
/** `SELECT … FOR UPDATE` on a transaction: decisions about it are taken under this lock. */
export const lockTransaction = transactionsRepository.lockById;

/** Account deletion and export (SPEC §9): open obligations refuse a deletion; a party's sales for export. */
export { hasOpenTransaction, OPEN_OBLIGATION_STATUSES, transactionsOfParty } from './account-transactions.repository';
