/** Sales created by the auctions module inside its own database transaction (fees fixed at creation). */
export { createSales, type NewSale, type SaleTerms } from './create-sales';
/** Outbox messages announcing a new sale. */
export { transactionCreatedMessages } from './transaction-events';
/** The public view of a transaction and its OpenAPI schema (the buy-now answer). */
export { presentTransaction } from './transactions.presenter';
export { TransactionSchema } from './transactions.schemas';
