/** Public surface of the wallet (seller payouts) module. */

/** The seller's Stripe Connect account, balance and `account.updated` sync. */
export { openWallet, walletBalance, syncConnectAccount, type WalletAnswer, type WalletBalance } from './wallet.service';
