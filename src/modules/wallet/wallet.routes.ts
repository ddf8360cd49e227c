import { created, defineRoute, ok } from '../../http/route';
import { openWallet, walletBalance } from './wallet.service';
import { Wallet, WalletBalance } from './wallet.schemas';

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
];
