import type { Trx } from '../../../db/connection';
import type { Transaction, TransactionSource } from '../../../db/schema';
import { commissionCents } from '../../shared/money';
import { insertSales } from './transactions.repository';

/** One sale as an ending auction (or a buy-now) hands it over. */
export interface NewSale {
  listingId: string;
  buyerId: string;
  sellerId: string;
  priceCents: number;
  source: TransactionSource;
}

/** The fees of the day and the payment deadline a new sale is created with. */
export interface SaleTerms {
  fees: { commissionBps: number; escrowFeeCents: number };
  timing: { paymentDeadlineSec: number };
}

/**
 * Creates the transactions of `sales` in one statement inside the caller's database transaction
 * (the auctions module holds the listings' row locks), with the commission and escrow fee of the
 * day fixed on each. Returns listing id → created transaction.
 */
export async function createSales(trx: Trx, terms: SaleTerms, sales: NewSale[]): Promise<Map<string, Transaction>> {
  if (sales.length === 0) return new Map();
  const created = await insertSales(
    trx,
    sales.map((sale) => {
      const commission = commissionCents(sale.priceCents, terms.fees.commissionBps);
      return {
        listingId: sale.listingId,
        buyerId: sale.buyerId,
        sellerId: sale.sellerId,
        amountCents: sale.priceCents,
        commissionBps: terms.fees.commissionBps,
        commissionCents: commission,
        escrowFeeCents: terms.fees.escrowFeeCents,
        sellerPayoutCents: sale.priceCents - commission - terms.fees.escrowFeeCents,
        source: sale.source,
      };
    }),
    terms.timing.paymentDeadlineSec,
  );
  return new Map(created.map((tx) => [tx.listingId, tx]));
}
