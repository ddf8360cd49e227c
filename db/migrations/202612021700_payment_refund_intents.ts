import { sql, type Kysely } from 'kysely';

/**
 * Issue #10, continued: refunding a payment nobody owes us any more — a late payment on a cancelled
 * transaction, or an extra PaymentIntent paid on a transaction no longer payable — is a durable
 * money intent too (`payment_refund`, keyed `late-refund-<txId>` / `extra-payment-refund-<piId>`,
 * the Stripe refund's own idempotency key), instead of a Stripe call inside webhook processing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE money_intents DROP CONSTRAINT IF EXISTS money_intents_kind_check`.execute(db);
  await sql`ALTER TABLE money_intents ADD CONSTRAINT money_intents_kind_check CHECK (kind IN ('release', 'refund', 'payment_refund'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE money_intents DROP CONSTRAINT IF EXISTS money_intents_kind_check`.execute(db);
  await sql`ALTER TABLE money_intents ADD CONSTRAINT money_intents_kind_check CHECK (kind IN ('release', 'refund'))`.execute(db);
}
