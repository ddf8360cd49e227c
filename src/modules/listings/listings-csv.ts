import { csvHeaderErrors, parseCsv, type CsvCellError } from '../../shared/csv-reader';
import { CreateListingBody, type CreateListingInput } from './listings.schemas';

/** Reading a seller's CSV of drafts (SPEC §9) into create inputs, every bad cell reported (pure). */

/** At most this many listings per file (the 1 MB body limit is the parser's). */
export const IMPORT_MAX_ROWS = 500;

/** A bad cell (or, with `column` null, a bad row or file); `line` counts the header as line 1. */
export type ImportCellError = CsvCellError;

/**
 * One data row as read: the cells that read cleanly (as create-input fields), the row's bad cells, and
 * the whole create input once every cell read. The listing rules run on `cells` even when the row has
 * errors, so one answer names every bad cell.
 */
export interface ImportRow {
  line: number;
  /** The fields whose cells read cleanly; a bad cell's field is absent, as is every field of an unreadable row. */
  cells: Partial<CreateListingInput>;
  /** The row's bad cells (`column` null: the whole row); empty exactly when `input` is set. */
  errors: ImportCellError[];
  input: CreateListingInput | null;
}

/** Every data row, and the file's own problem (then there are no rows). */
export interface ListingsCsvRead {
  rows: ImportRow[];
  errors: ImportCellError[];
}

const failed = (error: ImportCellError): ListingsCsvRead => ({ rows: [], errors: [error] });

const REQUIRED = ['title', 'category', 'condition', 'auctionType'] as const;
const OPTIONAL = [
  'description',
  'startingPriceCents',
  'buyNowPriceCents',
  'reservePriceCents',
  'startsAt',
  'endsAt',
  'lat',
  'lng',
  'locationName',
] as const;
const KNOWN: readonly string[] = [...REQUIRED, ...OPTIONAL];
// The create schema field by field: with the bad cells left out, what is left reads on its own.
const CreateListingCells = CreateListingBody.partial();
const CENTS_COLUMNS = new Set(['startingPriceCents', 'buyNowPriceCents', 'reservePriceCents']);
const LOCATION_COLUMNS = ['lat', 'lng', 'locationName'] as const;
const WHOLE = /^\d+$/;
const DECIMAL = /^[-+]?\d{1,3}(\.\d+)?$/;

/** The column a create-body field came from (`location.lat` → `lat`). */
export function columnOf(field: string): string {
  if (field === 'location.name') return 'locationName';
  if (field.startsWith('location.')) return field.slice('location.'.length);
  if (field === 'location') return 'lat';
  return field;
}

/** The cells of a row as a create body: empty cells are absent, numbers parsed, location grouped. */
function bodyOf(cells: Map<string, string>, line: number, errors: ImportCellError[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [column, raw] of cells) {
    const value = raw.trim();
    if (value === '' || LOCATION_COLUMNS.includes(column as never)) continue;
    if (!CENTS_COLUMNS.has(column)) body[column] = value;
    else if (WHOLE.test(value)) body[column] = Number(value);
    else errors.push({ line, column, message: 'must be a whole number of cents, such as 12500 for $125.00' });
  }
  const location = LOCATION_COLUMNS.map((c) => cells.get(c)?.trim() ?? '');
  if (location.some((v) => v !== '')) {
    const [lat, lng, name] = location;
    const missing = LOCATION_COLUMNS.filter((_, i) => location[i] === '');
    for (const column of missing)
      errors.push({ line, column, message: 'is required when a location is given (lat, lng and locationName together)' });
    for (const [column, value] of [
      ['lat', lat],
      ['lng', lng],
    ] as const) {
      if (value !== '' && !DECIMAL.test(value)) errors.push({ line, column, message: 'must be a decimal number' });
    }
    body.location = { lat: Number(lat), lng: Number(lng), name };
  }
  return body;
}

/** A row's cells read against the create schema: the input, or the bad cells and the fields that did read. */
function readRow(cells: Map<string, string>, line: number): ImportRow {
  const errors: ImportCellError[] = [];
  const body = bodyOf(cells, line, errors);
  const result = CreateListingBody.safeParse(body);
  if (result.success && errors.length === 0) return { line, cells: result.data, errors, input: result.data };
  // A column already reported (a cell that is not a number) is not reported twice.
  const reported = new Set(errors.map((e) => e.column));
  const badFields = new Set(errors.map((e) => (e.column && LOCATION_COLUMNS.includes(e.column as never) ? 'location' : e.column)));
  for (const issue of result.error?.issues ?? []) {
    const field = issue.path.map(String).join('.');
    const column = columnOf(field);
    const absent = issue.code === 'invalid_type' && body[field] === undefined;
    if (!reported.has(column)) errors.push({ line, column, message: absent ? 'is required' : issue.message });
    reported.add(column);
    badFields.add(String(issue.path[0]));
  }
  const good = Object.fromEntries(Object.entries(body).filter(([field]) => !badFields.has(field)));
  return { line, cells: CreateListingCells.safeParse(good).data ?? {}, errors, input: null };
}

/**
 * Reads the CSV (a header row naming the columns, in any order) against the create schema: bad quoting
 * or a bad header stops at once, otherwise every row is returned with its bad cells (by line and column)
 * and the cells that did read, for the listing rules that need the database (the caller's).
 */
export function readListingsCsv(csv: string): ListingsCsvRead {
  const parsed = parseCsv(csv);
  if (!parsed.ok) return failed({ line: parsed.line, column: null, message: parsed.message });
  const [head, ...records] = parsed.records;
  if (!head) return failed({ line: 1, column: null, message: 'the file is empty (a header row is required)' });
  const header = head.cells.map((c) => c.trim());
  const errors = csvHeaderErrors(header, KNOWN, REQUIRED);
  if (errors.length) return { rows: [], errors };
  if (records.length === 0) return failed({ line: 1, column: null, message: 'the file has a header row but no listings' });
  if (records.length > IMPORT_MAX_ROWS) {
    return failed({ line: records[IMPORT_MAX_ROWS].line, column: null, message: `at most ${IMPORT_MAX_ROWS} listings per file` });
  }
  const rows = records.map((record): ImportRow => {
    if (record.cells.length === header.length) return readRow(new Map(header.map((column, i) => [column, record.cells[i]])), record.line);
    const message = `has ${record.cells.length} fields, the header has ${header.length}`;
    return { line: record.line, cells: {}, errors: [{ line: record.line, column: null, message }], input: null };
  });
  return { rows, errors: [] };
}
