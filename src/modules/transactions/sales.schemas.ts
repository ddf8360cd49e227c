import { z } from '../../shared/zod';

const DAY = z.iso.date();
const INSTANT = z.iso.datetime({ offset: true });
const Bound = z.union([DAY, INSTANT]);

export const SalesQuery = z
  .object({
    from: Bound.optional().openapi({ description: 'Sales from this day (UTC) or instant, inclusive', example: '2026-11-01' }),
    to: Bound.optional().openapi({ description: 'Up to this day (UTC) inclusive, or before this instant', example: '2026-11-30' }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.uuid({ message: 'must be a cursor from a previous page' }).optional(),
  })
  .refine((q) => !q.from || !q.to || rangeOf(q).from! < rangeOf(q).to!, { path: ['to'], message: 'must be after from' });

/** The half-open range a query names: a date `to` includes that whole day. */
export function rangeOf(q: { from?: string; to?: string }): { from?: Date; to?: Date } {
  const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
  const from = q.from ? new Date(isDay(q.from) ? `${q.from}T00:00:00Z` : q.from) : undefined;
  const to = q.to ? new Date(isDay(q.to) ? Date.parse(`${q.to}T00:00:00Z`) + 86_400_000 : Date.parse(q.to)) : undefined;
  return { from, to };
}

const Money = {
  grossCents: z.number().int().openapi({ description: 'The sale price' }),
  refundedCents: z.number().int().openapi({ description: 'Refunded to the buyer (disputes)' }),
  commissionCents: z.number().int().openapi({ description: '6% of what was kept, half-up' }),
  escrowFeeCents: z.number().int(),
  netCents: z.number().int().openapi({ description: 'gross − refunded − commission − escrowFee: what the seller gets' }),
};

export const SalesTotals = z.object({ count: z.number().int(), ...Money }).openapi('SalesTotals');

export const SalesPage = z
  .object({
    items: z.array(
      z
        .object({
          transactionId: z.uuid(),
          listingId: z.uuid(),
          listingTitle: z.string(),
          status: z.enum(['in_escrow', 'disputed', 'released', 'refunded', 'partially_refunded']),
          soldAt: z.iso.datetime(),
          ...Money,
        })
        .openapi('SaleRow'),
    ),
    nextCursor: z.string().nullable(),
    totals: SalesTotals.openapi({ description: 'Over the whole range, not just this page' }),
    periods: z.array(SalesTotals.extend({ period: z.string().openapi({ example: '2026-11' }) })).openapi({ description: 'Totals per calendar month (UTC), newest first' }),
  })
  .openapi('SalesDashboard');
