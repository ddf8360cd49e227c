import type { Trx } from '../../../db/connection';
import type { Platform } from '../../shared/platform';
import type { Ctx } from '../../shared/context';
import { rateLimited, unprocessable, type FieldError } from '../../shared/errors';
import { isActiveCategory } from '../categories';
import { refundBudgetIfNotStored } from './listing-budget';
import { assertSellerMayList, toDate } from './listing-checks';
import { draftRow } from './create-listing';
import { columnOf, readListingsCsv, type ImportCellError, type ImportRow } from './listings-csv';
import { listingsRepository } from './listings.repository';
import { isNewAccount, priceErrors, scheduleErrors, type ScheduleLimits } from './listings.rules';
import type { CreateListingInput, ImportedListingsView } from './listings.schemas';

type ImportDeps = Pick<Platform, 'db' | 'config' | 'clock' | 'rateLimits'>;
type Cells = ImportRow['cells'];

interface RuleContext {
  active: ReadonlySet<string>;
  minPriceCents: number;
  now: Date;
  limits: ScheduleLimits;
}

/**
 * The listing rules (SPEC §2) with the columns each reads. A rule runs on every row whose cells for it
 * read, so a row with a bad cell is still held to the others; it is skipped when one of its cells is
 * bad, as that cell is reported already and the rule cannot tell what the seller meant.
 */
const RULES: ReadonlyArray<{ columns: readonly string[]; check: (cells: Cells, rc: RuleContext) => FieldError[] }> = [
  {
    columns: ['category'],
    check: ({ category }, { active }) =>
      category === undefined || active.has(category)
        ? []
        : [{ field: 'category', message: `"${category}" is not an active category (see GET /v1/categories)` }],
  },
  {
    columns: ['auctionType', 'startingPriceCents', 'reservePriceCents', 'buyNowPriceCents'],
    check: (c, { minPriceCents }) =>
      c.auctionType === undefined
        ? []
        : priceErrors(
            {
              auctionType: c.auctionType,
              startingPriceCents: c.startingPriceCents ?? null,
              reservePriceCents: c.reservePriceCents ?? null,
              buyNowPriceCents: c.buyNowPriceCents ?? null,
            },
            minPriceCents,
          ),
  },
  {
    columns: ['startsAt', 'endsAt'],
    check: (c, { now, limits }) => scheduleErrors({ startsAt: toDate(c.startsAt), endsAt: toDate(c.endsAt) }, now, limits),
  },
];

/** A row's bad cells, then what the listing rules find in the cells that read. */
function rowErrors({ line, cells, errors }: ImportRow, rc: RuleContext): ImportCellError[] {
  const bad = new Set(errors.map((e) => e.column));
  // A row that could not be split into cells (`column` null) has none for the rules to read.
  if (bad.has(null)) return errors;
  const ruled = RULES.filter((rule) => !rule.columns.some((column) => bad.has(column))).flatMap((rule) => rule.check(cells, rc));
  return [...errors, ...ruled.map((e) => ({ line, column: columnOf(e.field), message: e.message }))];
}

/** Every problem of the file in line order: each row's bad cells, then its listing-rule violations. */
async function importErrors(deps: ImportDeps, rows: ImportRow[], now: Date): Promise<ImportCellError[]> {
  const categories = new Set(rows.flatMap(({ cells }) => (cells.category === undefined ? [] : [cells.category])));
  const active = new Set<string>();
  for (const slug of categories) if (await isActiveCategory(deps.db, slug)) active.add(slug);
  const rc: RuleContext = {
    active,
    minPriceCents: deps.config.fees.minPriceCents,
    now,
    limits: { minDurationSec: deps.config.timing.auctionMinDurationSec },
  };
  return rows.flatMap((row) => rowErrors(row, rc));
}

/**
 * A new account's hourly listing budget (SPEC §4: each draft counts) spent for the whole file at
 * once: a file that does not fit spends nothing, and the 429 names the first row over the budget.
 */
async function spendNewAccountBudget(deps: ImportDeps, sellerId: string, rows: ReadonlyArray<{ line: number }>): Promise<void> {
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
 * `beforeCommit` runs last in the insert's transaction, so what it writes (the caller's answer for a
 * retry) commits with the drafts or not at all.
 */
export async function importListings(
  deps: ImportDeps,
  ctx: Ctx,
  csv: string,
  beforeCommit?: (trx: Trx, imported: ImportedListingsView) => Promise<void>,
): Promise<ImportedListingsView> {
  const now = deps.clock.now();
  const seller = await assertSellerMayList(deps.db, ctx.actor.userId);
  const read = readListingsCsv(csv);
  const errors = [...read.errors, ...(await importErrors(deps, read.rows, now))];
  if (errors.length) {
    const count = errors.length;
    throw unprocessable('invalid_csv', `${count} problem${count === 1 ? '' : 's'} in the CSV; nothing was imported.`, {
      // `field` as every problem has it (the column, or the body for a bad row or file), plus line and column.
      errors: errors.map((e) => ({ field: e.column ?? 'body', ...e })),
    });
  }
  // No error left means every row read whole.
  const rows = read.rows.flatMap(({ line, input }) => (input ? [{ line, input }] : []));
  const spent = isNewAccount(seller.createdAt, now) ? rows.length : 0;
  if (spent) await spendNewAccountBudget(deps, seller.id, rows);
  return refundBudgetIfNotStored(deps, seller.id, spent, () => insertDrafts(deps, seller.id, rows, beforeCommit));
}

/** The drafts of a valid file in one statement, and the answer naming each by its line. */
function insertDrafts(
  deps: ImportDeps,
  sellerId: string,
  rows: ReadonlyArray<{ line: number; input: CreateListingInput }>,
  beforeCommit?: (trx: Trx, imported: ImportedListingsView) => Promise<void>,
): Promise<ImportedListingsView> {
  return deps.db.transaction().execute(async (trx) => {
    const created = await listingsRepository.insertMany(
      trx,
      rows.map((row) => draftRow(sellerId, row.input)),
    );
    const imported: ImportedListingsView = {
      created: created.length,
      items: created.map((listing, i) => ({ id: listing.id, title: listing.title, line: rows[i].line, status: 'draft' })),
    };
    await beforeCommit?.(trx, imported);
    return imported;
  });
}
