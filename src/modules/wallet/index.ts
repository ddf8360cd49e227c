/** Public surface of the wallet (seller payouts) module. */
export { walletRoutes } from './wallet.routes';
export { openWallet, walletBalance, syncConnectAccount, type WalletAnswer, type WalletBalance } from './wallet.service';
