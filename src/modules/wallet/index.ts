/** Public surface of the wallet (seller payouts) module. */
export { openWallet, walletBalance, syncConnectAccount, type WalletAnswer, type WalletBalance } from './wallet.service';
