import { created, defineRoute, ok } from '../../http/route';
import { finishOnboarding, openWallet, refreshOnboarding, walletBalance } from './wallet.service';
import { OnboardingQuery, OnboardingStatus, Wallet, WalletBalance } from './wallet.schemas';

const tags = ['wallet'];

export const walletRoutes = [
  defineRoute(
    {
      method: 'post',
      path: '/v1/users/me/wallet',
      summary: 'Your Stripe Connect wallet (created once) and a link to finish onboarding',
      tags,
      idempotent: true,
      responses: {
        200: { description: 'Your existing wallet', schema: Wallet },
        201: { description: 'Wallet created', schema: Wallet },
        503: { description: 'payments_unavailable (retry)' },
      },
    },
    async (deps, { actor }) => {
      const { created: isNew, wallet } = await openWallet(deps, actor.userId);
      return isNew ? created(wallet) : ok(wallet);
    },
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/users/me/wallet/balance',
      summary: 'Your payouts: pending payment, in escrow, paid out',
      tags,
      responses: { 200: { description: 'Balance in cents (CAD)', schema: WalletBalance } },
    },
    async (deps, { actor }) => ok(await walletBalance(deps, actor.userId)),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/wallet/onboarding/return',
      summary: "Stripe onboarding's return_url (browser, signed link, no sign-in): re-reads the Connect account",
      tags,
      auth: 'none',
      query: OnboardingQuery,
      responses: {
        200: { description: 'The account as Stripe reports it now', schema: OnboardingStatus },
        403: { description: 'invalid_onboarding_link or onboarding_link_expired' },
        503: { description: 'payments_unavailable (retry)' },
      },
    },
    async (deps, { query }) => ok(await finishOnboarding(deps, query)),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/v1/wallet/onboarding/refresh',
      summary: "Stripe onboarding's refresh_url (browser, signed link, no sign-in): redirects to a fresh link",
      tags,
      auth: 'none',
      query: OnboardingQuery,
      responses: {
        302: { description: 'Location: a new Stripe account link' },
        403: { description: 'invalid_onboarding_link or onboarding_link_expired' },
        503: { description: 'payments_unavailable (retry)' },
      },
    },
    async (deps, { query }) => ({ status: 302, headers: { Location: await refreshOnboarding(deps, query) } }),
  ),
];
