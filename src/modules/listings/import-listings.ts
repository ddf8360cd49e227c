import type { Platform } from '../../shared/platform';
import type { Ctx } from '../../shared/context';
import { rateLimited, unprocessable } from '../../shared/errors';
import { isActiveCategory } from '../categories';
import { assertSellerMayList, toDate } from './listing-checks';
import { draftRow, termsOf } from './create-listing';
import { columnOf, readListingsCsv, type ImportCellError, type ImportRow } from './listings-csv';
import { listingsRepository } from './listings.repository';
import { isNewAccount, priceErrors, scheduleErrors } from './listings.rules';

type ImportDeps = Pick<Platform, 'db' | 'config' | 'clock' | 'rateLimits'>;

/** The listing rules (SPEC §2) on every read row, as cell errors: categories, prices, schedule. */
async function ruleErrors(deps: ImportDeps, rows: ImportRow[], now: Date): Promise<ImportCellError[]> {
  const categories = [...new Set(rows.map((r) => r.input.category))];
  const active = new Set<string>();
  for (const slug of categories) if (await isActiveCategory(deps.db, slug)) active.add(slug);
  const limits = { minDurationSec: deps.config.timing.auctionMinDurationSec };
  return rows.flatMap(({ line, input }) => {
    const fieldErrors = [
      ...(active.has(input.category) ? [] : [{ field: 'category', message: `"${input.category}" is not an active category (see GET /v1/categories)` }]),
      ...priceErrors(termsOf(input), deps.config.fees.minPriceCents),
      ...scheduleErrors({ startsAt: toDate(input.startsAt), endsAt: toDate(input.endsAt) }, now, limits),
    ];
    return fieldErrors.map((e) => ({ line, column: columnOf(e.field), message: e.message }));
  });
}

/**
 * A new account's hourly listing budget (SPEC §4: each draft counts) spent for the whole file at
 * once: a file that does not fit spends nothing, and the 429 names the first row over the budget.
 */
async function spendNewAccountBudget(deps: ImportDeps, sellerId: string, rows: ImportRow[]): Promise<void> {
  const spent = await deps.rateLimits.consumeAll('newAccountListings', sellerId, rows.length);
  if (spent.ok) return;
  const perHour = deps.config.rateLimits.newAccountListingsPerHour;
  // Named like an invalid_csv cell: the line of the first row over the budget (the whole row, no column).
  const over: ImportCellError = {
    line: rows[spent.remaining].line,
    column: null,
    message: `over the limit of ${perHour} listings an hour for a new account (from this row on)`,
  };
  throw rateLimited(
    spent.retryAfterSec,
    `A new account may create ${perHour} listings an hour; ${spent.remaining} of this file's ${rows.length} fit now. Nothing was imported.`,
    { errors: [{ field: 'body', ...over }] },
  );
}

/**
 * `POST /v1/listings/import` (SPEC §9, TallyStore's validated import): every row of the seller's CSV
 * becomes a draft, or none does — any bad cell → 422 `invalid_csv` listing all of them by line and
 * column (the header is line 1). The drafts are inserted in one statement. A new account's listing
 * limit counts each draft, spent only once the whole file is valid, and all at once or not at all.
 */
export async function importListings(deps: ImportDeps, ctx: Ctx, csv: string) {
  const now = deps.clock.now();
  const seller = await assertSellerMayList(deps.db, ctx.actor.userId);
  const read = readListingsCsv(csv);
  // Rows that read cleanly are held to the listing rules too, so one answer lists every bad cell.
  const errors = [...read.errors, ...(await ruleErrors(deps, read.rows, now))].sort((a, b) => a.line - b.line);
  if (errors.length) {
    const count = errors.length;
    throw unprocessable('invalid_csv', `${count} problem${count === 1 ? '' : 's'} in the CSV; nothing was imported.`, {
      // `field` as every problem has it (the column, or the body for a bad row or file), plus line and column.
      errors: errors.map((e) => ({ field: e.column ?? 'body', ...e })),
    });
  }
  if (isNewAccount(seller.createdAt, now)) await spendNewAccountBudget(deps, seller.id, read.rows);
  const created = await listingsRepository.insertMany(
    deps.db,
    read.rows.map((row) => draftRow(seller.id, row.input)),
  );
  return {
    created: created.length,
    items: created.map((listing, i) => ({ id: listing.id, title: listing.title, line: read.rows[i].line, status: 'draft' as const })),
  };
}
