/** RFC 4180 CSV, hardened against formula injection when opened in a spreadsheet. */

// A cell starting with one of these is run as a formula by Excel/Sheets/LibreOffice (CWE-1236).
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: quoted when needed, formulas defused with a leading apostrophe. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole document: header line, then one line per row, CRLF-terminated. */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return [columns, ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}
