import { toCsv } from '../modules/audit/csv';
import { parseCsv } from './csv-reader';

const cellsOf = (text: string) => {
  const result = parseCsv(text);
  if (!result.ok) throw new Error(result.message);
  return result.records.map((r) => r.cells);
};

describe('parseCsv', () => {
  it('splits plain fields and records on LF or CRLF, keeping empty fields', () => {
    expect(cellsOf('a,b,c\r\n1,,3\n4,5,\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
      ['4', '5', ''],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, numbering records by their first line', () => {
    const result = parseCsv('name,address\r\n"Demo, one","12 ""Main"" St\r\nUnit 4"\r\nplain,"x"\r\n');
    expect(result).toEqual({
      ok: true,
      records: [
        { line: 1, cells: ['name', 'address'] },
        { line: 2, cells: ['Demo, one', '12 "Main" St\r\nUnit 4'] },
        { line: 4, cells: ['plain', 'x'] },
      ],
    });
  });

  it('drops a BOM and blank lines, and reads a last record without a line break', () => {
    const result = parseCsv('\uFEFFa,b\n\n1,2');
    expect(result).toEqual({
      ok: true,
      records: [
        { line: 1, cells: ['a', 'b'] },
        { line: 3, cells: ['1', '2'] },
      ],
    });
  });

  it('reads back what the audit CSV writer writes', () => {
    const rows = [['comma, inside', 'quote " inside', 'line\nbreak', '']];
    expect(cellsOf(toCsv(['x', 'y', 'z', 'w'], rows))).toEqual([['x', 'y', 'z', 'w'], ...rows]);
  });

  it.each([
    ['a,b\n1,"open', 2, /never closed/],
    ['a,b\n1,x"y', 2, /quote inside an unquoted field/],
    ['a,b\n"1"x,2', 2, /text after a closing quote/],
  ])('refuses malformed quoting in %j with its line', (text, line, message) => {
    const result = parseCsv(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.line).toBe(line);
    expect(!result.ok && result.message).toMatch(message);
  });
});
