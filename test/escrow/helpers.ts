import type { Transaction, TransactionStatus } from '../../db/schema';
import type { Deps } from '../../src/composition';
import { refundJob, releaseJob } from '../../src/shared/jobs/money-jobs';
import { balanceOf, LedgerAccount } from '../../src/modules/ledger';
import { writeOutbox } from '../../src/shared/outbox';
import { sweepEscrow } from '../../src/modules/escrow';
import type { MoneyIntent } from '../../src/shared/money-intents.repository';
import { createActiveListing, eventually } from '../support/fixtures';
import { createUser, type TestUser } from '../support/harness';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';

/** A sale through the real buy-now route: a `pending_payment` transaction of `amountCents`. */
export async function buyNowSale(env: StripeTestEnv, seller: TestUser, buyer: TestUser, amountCents = 10_000): Promise<Transaction> {
  const listing = await createActiveListing(env.deps, seller.id, {
    auctionType: 'fixed',
    startingPriceCents: amountCents,
    buyNowPriceCents: amountCents,
  });
  const res = await env.http.post(`/v1/listings/${listing.id}/buy-now`).set(buyer.auth).send({});
  if (res.status !== 201) throw new Error(`buy-now answered ${res.status}: ${JSON.stringify(res.body)}`);
  return findTx(env.deps, res.body.transaction.id);
}

export async function findTx(deps: Deps, id: string): Promise<Transaction> {
  return deps.db.selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export function pay(env: StripeTestEnv, buyer: TestUser, txId: string, key?: string, body: Record<string, unknown> = {}) {
  const req = env.http.post(`/v1/transactions/${txId}/pay`).set(buyer.auth);
  if (key) req.set('Idempotency-Key', key);
  return req.send(body);
}

/** Seller onboarding through the real route (the stand-in enables the account and sends `account.updated`). */
export async function openWallet(env: StripeTestEnv, seller: TestUser): Promise<string> {
  const res = await env.http.post('/v1/users/me/wallet').set(seller.auth).send({});
  if (res.status !== 201 && res.status !== 200) throw new Error(`wallet answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.accountId as string;
}

export interface SellerAndBuyer {
  env: StripeTestEnv;
  seller: TestUser;
  buyer: TestUser;
}

/**
 * Registers `beforeAll`/`afterAll` for the file: a Stripe test env, a seller with an open wallet and a buyer
 * (read the fields inside tests and hooks; they are set once `beforeAll` has run).
 */
export function useSellerWithWalletAndBuyer(): SellerAndBuyer {
  const ctx = {} as SellerAndBuyer;
  beforeAll(async () => {
    ctx.env = await createStripeTestEnv();
    ctx.seller = await createUser(ctx.env.deps);
    ctx.buyer = await createUser(ctx.env.deps);
    await openWallet(ctx.env, ctx.seller);
  });
  afterAll(async () => {
    await ctx.env.close();
  });
  return ctx;
}

/** Waits until the transaction reaches `status` (through webhooks and workers). */
export async function waitForStatus(deps: Deps, txId: string, status: TransactionStatus, timeoutMs = 15_000): Promise<Transaction> {
  return eventually(async () => {
    const tx = await findTx(deps, txId);
    return tx.status === status ? tx : undefined;
  }, timeoutMs);
}

/** Waits until `userId` has a notification of `type` (written by the workers) and returns it. */
export async function waitForNotification(deps: Deps, userId: string, type: string) {
  return eventually(() =>
    deps.db.selectFrom('notifications').selectAll().where('userId', '=', userId).where('type', '=', type).executeTakeFirst(),
  );
}

/** Waits until the transaction's timeline has an event of `type` and returns it. */
export async function waitForTransactionEvent(deps: Deps, txId: string, type: string) {
  return eventually(() =>
    deps.db.selectFrom('transactionEvents').selectAll().where('transactionId', '=', txId).where('type', '=', type).executeTakeFirst(),
  );
}

/** Pay and confirm on the "device" (the stand-in's test card), then wait for the webhook to fund escrow. */
export async function payAndFund(env: StripeTestEnv, buyer: TestUser, txId: string): Promise<Transaction> {
  const res = await pay(env, buyer, txId);
  if (res.status !== 200) throw new Error(`pay answered ${res.status}: ${JSON.stringify(res.body)}`);
  env.standIn.confirmPaymentIntent(res.body.paymentIntentId, 'pm_card_visa');
  return waitForStatus(env.deps, txId, 'in_escrow');
}

/**
 * What the QR verify route does (another module): `verified_at` and the release job in one commit
 * through the outbox.
 */
export async function simulateVerify(deps: Deps, txId: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('transactions').set({ verifiedAt: new Date() }).where('id', '=', txId).execute();
    await writeOutbox(trx, [releaseJob(txId, 'qr_verified')]);
  });
}

/** A dispute resolved by staff (what the admin route does), with the money job it implies. */
export async function openAndResolveDispute(
  deps: Deps,
  txId: string,
  resolution: 'release' | 'refund' | 'partial_refund',
  refundCents: number | null,
): Promise<string> {
  return deps.db.transaction().execute(async (trx) => {
    const dispute = await trx
      .insertInto('disputes')
      .values({
        transactionId: txId,
        source: 'party',
        reason: 'not_as_described',
        details: 'test',
        status: 'resolved',
        resolution,
        refundCents,
        resolvedAt: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.updateTable('transactions').set({ status: 'disputed' }).where('id', '=', txId).execute();
    await writeOutbox(trx, [
      resolution === 'release' ? releaseJob(txId, 'dispute_resolved', dispute.id) : refundJob(txId, refundCents!, dispute.id),
    ]);
    return dispute.id;
  });
}

export interface LedgerSnapshot {
  movements: Array<{ type: string; stripeObjectId: string | null; sum: number }>;
  escrow: number;
  stripeBalance: number;
}

/** The transaction's ledger movements (each must sum to zero) and its escrow balance. */
export async function ledgerOf(deps: Deps, txId: string): Promise<LedgerSnapshot> {
  const rows = await deps.db.selectFrom('ledgerEntries').selectAll().where('transactionId', '=', txId).orderBy('id').execute();
  const byMovement = new Map<string, { type: string; stripeObjectId: string | null; sum: number }>();
  for (const r of rows) {
    const m = byMovement.get(r.movementId) ?? { type: r.movementType, stripeObjectId: r.stripeObjectId, sum: 0 };
    m.sum += Number(r.amountCents);
    byMovement.set(r.movementId, m);
  }
  return {
    movements: [...byMovement.values()],
    escrow: await balanceOf(deps.db, LedgerAccount.escrow(txId)),
    stripeBalance: await balanceOf(deps.db, LedgerAccount.stripeBalance),
  };
}

/** Stripe-side objects of a transaction on the stand-in. */
export function transfersOf(env: StripeTestEnv, txId: string) {
  return env.standIn.listObjects('transfer').filter((t) => t.transfer_group === txId);
}

/**
 * Drives money intents under a fake clock (the intent tests' shared steps): read one by key, wait
 * until an attempt finished, and jump the clock to an intent's next attempt and let the sweep run it.
 * `env` is read when called, so the caller may assign it in `beforeAll`.
 */
export function intentDriver(getEnv: () => StripeTestEnv, clock: { offsetMs: number }) {
  const intentOf = (key: string) => getEnv().deps.db.selectFrom('moneyIntents').selectAll().where('key', '=', key).executeTakeFirst();
  const settled = (key: string, minAttempts: number) =>
    eventually(async () => {
      const i = await intentOf(key);
      return i && i.attempts >= minAttempts && i.status !== 'running' ? i : undefined;
    }, 15_000);
  /** Moves the fake clock to the intent's next attempt and lets the sweep drive it; returns it after that attempt. */
  const nextAttempt = async (intent: MoneyIntent): Promise<MoneyIntent> => {
    clock.offsetMs = Math.max(clock.offsetMs, intent.nextAttemptAt.getTime() - Date.now() + 1);
    const swept = await sweepEscrow(getEnv().workerDeps);
    expect(swept.intents).toBeGreaterThanOrEqual(1);
    return settled(intent.key, intent.attempts + 1);
  };
  return { intentOf, settled, nextAttempt };
}
