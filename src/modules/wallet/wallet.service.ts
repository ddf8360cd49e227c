import { randomUUID } from 'node:crypto';
import type { Trx } from '../../../db/connection';
import type { TransactionStatus } from '../../../db/schema';
import type { Platform } from '../../shared/platform';
import { notFound } from '../../shared/errors';
import { writeOutbox } from '../../shared/outbox';
import { paymentsUnavailable } from '../../providers/payments/payments-unavailable';
import { releaseJob, type ReleaseReason } from '../../shared/jobs/money-jobs';
import { onboardingUrls, verifyOnboardingProof, type OnboardingProof } from './onboarding-links';
import { walletRepository } from './wallet.repository';

export interface WalletAnswer {
  accountId: string;
  onboardingUrl: string;
  onboardingExpiresAt: string;
  payoutsEnabled: boolean;
  chargesEnabled: boolean;
  detailsSubmitted: boolean;
}

export interface WalletBalance {
  pendingCents: number;
  inEscrowCents: number;
  paidOutCents: number;
  currency: 'CAD';
  payoutsEnabled: boolean;
}

type WalletDeps = Pick<Platform, 'db' | 'payments' | 'config' | 'clock'>;

/**
 * POST /users/me/wallet — the seller's Stripe Connect Express account, created once (Stripe key
 * `acct-<userId>`, one row per user), and a fresh onboarding link to finish (or update) it.
 */
export async function openWallet(deps: WalletDeps, userId: string): Promise<{ created: boolean; wallet: WalletAnswer }> {
  const existing = await walletRepository.find(deps.db, userId);
  let created = false;
  let accountId = existing?.stripeAccountId;
  if (!accountId) {
    // No Stripe call under a lock: Stripe's key `acct-<userId>` makes a concurrent duplicate the same
    // account; the row is inserted once (the first stays) in a short transaction after.
    const user = await walletRepository.userEmail(deps.db, userId);
    const account = await deps.payments.createConnectAccount({ userId, email: user.email }).catch(paymentsUnavailable);
    ({ created, accountId } = await deps.db.transaction().execute(async (trx) => {
      await walletRepository.lockUser(trx, userId);
      const row = await walletRepository.find(trx, userId);
      if (row) return { created: false, accountId: row.stripeAccountId };
      await walletRepository.insertIfAbsent(trx, userId, account);
      return { created: true, accountId: account.id };
    }));
  }
  const link = await deps.payments.createAccountLink(accountId, onboardingUrls(deps.config, accountId, deps.clock.now())).catch(paymentsUnavailable);
  const account = await resyncAccount(deps, userId, accountId);
  return {
    created,
    wallet: {
      accountId,
      onboardingUrl: link.url,
      onboardingExpiresAt: link.expiresAt.toISOString(),
      payoutsEnabled: account.payoutsEnabled,
      chargesEnabled: account.chargesEnabled,
      detailsSubmitted: account.detailsSubmitted,
    },
  };
}

/** The account's flags as Stripe reports them now; Stripe is called before the database transaction. */
async function resyncAccount(deps: Pick<Platform, 'db' | 'payments'>, userId: string, accountId: string) {
  const account = await deps.payments.retrieveAccount(accountId).catch(paymentsUnavailable);
  await deps.db.transaction().execute(async (trx) => {
    await walletRepository.updateFlags(trx, account);
    // Normally `account.updated` does this; the route may see the account enabled first.
    if (account.payoutsEnabled) await requeueWaitingPayouts(trx, userId, `wallet-open-${randomUUID()}`);
  });
  return account;
}

async function ourAccount(deps: WalletDeps, proof: OnboardingProof) {
  const accountId = verifyOnboardingProof(deps.config, proof, deps.clock.now());
  const row = await walletRepository.findByStripeAccount(deps.db, accountId);
  if (!row) throw notFound('wallet');
  return { userId: row.userId, stripeAccountId: accountId };
}

export interface OnboardingStatus {
  accountId: string;
  payoutsEnabled: boolean;
  chargesEnabled: boolean;
  detailsSubmitted: boolean;
}

/**
 * GET /v1/wallet/onboarding/return — where Stripe sends the seller's browser after onboarding: the
 * account is re-read from Stripe at once (not only when `account.updated` arrives) and its state shown.
 */
export async function finishOnboarding(deps: WalletDeps, proof: OnboardingProof): Promise<OnboardingStatus> {
  const row = await ourAccount(deps, proof);
  const account = await resyncAccount(deps, row.userId, row.stripeAccountId);
  return {
    accountId: row.stripeAccountId,
    payoutsEnabled: account.payoutsEnabled,
    chargesEnabled: account.chargesEnabled,
    detailsSubmitted: account.detailsSubmitted,
  };
}

/** GET /v1/wallet/onboarding/refresh — the link expired or was used: a fresh account link to redirect to. */
export async function refreshOnboarding(deps: WalletDeps, proof: OnboardingProof): Promise<string> {
  const row = await ourAccount(deps, proof);
  const link = await deps.payments
    .createAccountLink(row.stripeAccountId, onboardingUrls(deps.config, row.stripeAccountId, deps.clock.now()))
    .catch(paymentsUnavailable);
  return link.url;
}

/**
 * GET /users/me/wallet/balance — as a seller: `pendingCents` = payouts of sales won but not yet paid
 * by the buyer; `inEscrowCents` = payouts of paid sales not yet released (in escrow or disputed);
 * `paidOutCents` = what was transferred to the wallet, less reversals (from the ledger).
 */
export async function walletBalance(deps: Pick<Platform, 'db'>, userId: string): Promise<WalletBalance> {
  const [sums, paidOut, account] = await Promise.all([
    walletRepository.payoutSums(deps.db, userId),
    walletRepository.paidOutCents(deps.db, userId),
    walletRepository.find(deps.db, userId),
  ]);
  return {
    pendingCents: sums.pending,
    inEscrowCents: sums.inEscrow,
    paidOutCents: paidOut,
    currency: 'CAD',
    payoutsEnabled: account?.payoutsEnabled ?? false,
  };
}

/**
 * `account.updated`: the account's flags as Stripe reports them now (re-fetched). When payouts are
 * enabled, every payout that was waiting for the wallet is queued again, in the same commit.
 * 'not_ours' also for an account whose metadata names a user whose wallet is another account (one
 * created by hand in the Stripe dashboard, say): payouts go to the linked one only.
 */
export async function syncConnectAccount(
  deps: Pick<Platform, 'db' | 'payments'>,
  accountId: string,
  eventId: string,
): Promise<'updated' | 'not_ours'> {
  const account = await deps.payments.retrieveAccount(accountId);
  const known = await walletRepository.findByStripeAccount(deps.db, accountId);
  const userId = known?.userId ?? account.userId;
  if (!userId || !(await walletRepository.userExists(deps.db, userId))) return 'not_ours';
  return deps.db.transaction().execute(async (trx) => {
    if (!(await walletRepository.upsert(trx, userId, account))) return 'not_ours';
    if (account.payoutsEnabled) await requeueWaitingPayouts(trx, userId, `wallet-${eventId}`);
    return 'updated';
  });
}

/**
 * Why a waiting payout is due now, read from the transaction as the escrow sweep does: a reason stored
 * before a chargeback froze the sale (written by releases before the reason followed the dispute)
 * would re-queue a release that is never ready.
 */
const dueReason = (status: TransactionStatus): ReleaseReason => (status === 'in_escrow' ? 'qr_verified' : 'dispute_resolved');

/** Queues again every payout of the seller that waited for an enabled account (the release is idempotent). */
async function requeueWaitingPayouts(trx: Trx, sellerId: string, discriminator: string): Promise<void> {
  const waiting = await walletRepository.payoutsWaiting(trx, sellerId);
  await writeOutbox(
    trx,
    waiting.map((t) => releaseJob(t.id, dueReason(t.status), discriminator)),
  );
}
