/** Public surface of the ledger module (double-entry bookkeeping of every money movement). */

/** Accounts and movements (pure). */
export { LedgerAccount, type LedgerLine, type Movement } from './ledger';
/** Posting movements and reading balances, in the caller's database transaction. */
export { balanceOf, latestMovementOf, postMovement } from './ledger.repository';
/** Ledger ↔ Stripe reconciliation (`npm run reconcile`). */
export { formatReport, reconcile, type Orphan, type ReconcileReport, type StripeKind } from './reconcile';
