/** RFC 4180 CSV reader (the writer lives in modules/audit/csv.ts). Pure; the whole text is in memory. */

export interface CsvRecord {
  /** Physical line (1-based) where the record starts, as an editor shows it: the header is line 1. */
  line: number;
  cells: string[];
}

export type CsvParse = { ok: true; records: CsvRecord[] } | { ok: false; line: number; message: string };

/**
 * Splits `text` into records: fields separated by commas, records by CRLF or LF; a field in double
 * quotes may hold commas, line breaks and doubled quotes (""). A leading UTF-8 BOM (spreadsheet exports)
 * is dropped, and so are blank lines. A stray quote in an unquoted field, text after a closing quote or
 * an unterminated quote fails the whole parse with its line.
 */
export function parseCsv(text: string): CsvParse {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let recordLine = 1;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const endRecord = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '') records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
  };
  while (i < src.length) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') {
        quoted = false;
        i += 1;
        const next = src[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
          return { ok: false, line, message: 'text after a closing quote' };
        continue;
      }
      if (ch === '\n') line += 1;
      cell += ch;
      i += 1;
      continue;
    }
    if (ch === '"') {
      if (cell !== '') return { ok: false, line, message: 'a quote inside an unquoted field (quote the whole field and double the quote)' };
      quoted = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\r' && src[i + 1] === '\n') {
      // CRLF: the LF that follows ends the record.
    } else if (ch === '\n') {
      endRecord();
      line += 1;
      recordLine = line;
    } else {
      cell += ch;
    }
    i += 1;
  }
  if (quoted) return { ok: false, line: recordLine, message: 'a quoted field is never closed' };
  if (cell !== '' || cells.length > 0) endRecord();
  return { ok: true, records };
}

/** A bad cell (or, with `column` null, a bad row or file); `line` counts the header as line 1. */
export interface CsvCellError {
  line: number;
  column: string | null;
  message: string;
}

/** What is wrong with a header row: unknown columns, columns named twice, required columns missing. */
export function csvHeaderErrors(header: string[], known: readonly string[], required: readonly string[]): CsvCellError[] {
  const errors: CsvCellError[] = [];
  const seen = new Set<string>();
  for (const name of header) {
    if (!known.includes(name)) errors.push({ line: 1, column: name, message: `unknown column (expected ${known.join(', ')})` });
    else if (seen.has(name)) errors.push({ line: 1, column: name, message: 'column named twice' });
    seen.add(name);
  }
  for (const name of required) if (!seen.has(name)) errors.push({ line: 1, column: name, message: 'required column is missing' });
  return errors;
}
