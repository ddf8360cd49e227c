import type { Platform } from '../../shared/platform';
import type { Ctx } from '../../shared/context';
import { csvCell } from '../audit';
import { salesRepository, type SaleRow, type SalesRange } from './sales.repository';

type SalesDeps = Pick<Platform, 'db'>;

const presentSale = (s: SaleRow) => ({ ...s, soldAt: s.soldAt.toISOString() });

/**
 * `GET /v1/users/me/sales` (SPEC §9, Vendora's dashboard): the caller's own paid sales, newest first,
 * with the totals of the whole range and per month — gross, refunds, commission, escrow fee, net.
 */
export async function salesDashboard(deps: SalesDeps, ctx: Ctx, range: Omit<SalesRange, 'sellerId'>, limit: number, cursor?: string) {
  const own: SalesRange = { ...range, sellerId: ctx.actor.userId };
  const [rows, totals, periods] = await Promise.all([
    salesRepository.page(deps.db, own, limit + 1, cursor),
    salesRepository.totals(deps.db, own),
    salesRepository.monthly(deps.db, own),
  ]);
  const page = rows.slice(0, limit);
  return { items: page.map(presentSale), nextCursor: rows.length > limit ? page[page.length - 1].transactionId : null, totals, periods };
}

/** Rows per database read while streaming the CSV: memory stays flat however many sales there are. */
export const SALES_CSV_PAGE = 500;
export const SALES_CSV_COLUMNS = ['soldAt', 'transactionId', 'listingId', 'listingTitle', 'status', 'gross', 'refunded', 'commission', 'escrowFee', 'net'] as const;

/** Cents as dollars with two decimals ("1075.00"): what a spreadsheet reads as a number in any locale setting. */
const dollars = (cents: number) => `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;

const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

/**
 * The same sales as CSV (RFC 4180: CRLF, quoted where needed, formulas defused), starting with a
 * UTF-8 byte-order mark so Excel opens accents ("Vélo") as UTF-8. Yields one chunk per page of
 * SALES_CSV_PAGE rows, read by keyset, so the caller can stream it with backpressure.
 */
export async function* salesCsv(deps: SalesDeps, ctx: Ctx, range: Omit<SalesRange, 'sellerId'>): AsyncGenerator<string> {
  const own: SalesRange = { ...range, sellerId: ctx.actor.userId };
  yield `\uFEFF${csvLine([...SALES_CSV_COLUMNS])}`;
  let after: string | undefined;
  for (;;) {
    const rows = await salesRepository.page(deps.db, own, SALES_CSV_PAGE, after);
    if (rows.length === 0) return;
    yield rows
      .map((s) =>
        csvLine([s.soldAt, s.transactionId, s.listingId, s.listingTitle, s.status, dollars(s.grossCents), dollars(s.refundedCents), dollars(s.commissionCents), dollars(s.escrowFeeCents), dollars(s.netCents)]),
      )
      .join('');
    if (rows.length < SALES_CSV_PAGE) return;
    after = rows[rows.length - 1].transactionId;
  }
}
