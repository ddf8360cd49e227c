import { readListingsCsv } from './listings-csv';

const HEADER = 'title,category,condition,auctionType,startingPriceCents,reservePriceCents,lat,lng,locationName';

describe('readListingsCsv', () => {
  it('a clean row reads whole: its cells are the create input', () => {
    const read = readListingsCsv(`${HEADER}\r\nGuitare,music,good,auction,7500,9000,45.5,-73.5,Plateau\r\n`);
    expect(read.errors).toEqual([]);
    expect(read.rows).toHaveLength(1);
    expect(read.rows[0]).toMatchObject({ line: 2, errors: [] });
    expect(read.rows[0].input).toEqual(read.rows[0].cells);
    expect(read.rows[0].input).toMatchObject({
      title: 'Guitare',
      startingPriceCents: 7500,
      location: { lat: 45.5, lng: -73.5, name: 'Plateau' },
    });
  });

  it('a row with bad cells keeps the cells that read, for the listing rules, and no input', () => {
    const read = readListingsCsv(`${HEADER}\r\nab,spaceships,mint,auction,12.50,4000,north,-73.5,Plateau\r\n`);
    const [row] = read.rows;
    expect(row.input).toBeNull();
    expect(row.errors.map((e) => e.column)).toEqual(['startingPriceCents', 'lat', 'title', 'condition']);
    // The bad cells' fields (the location as a whole) are absent; the slug is well-formed, so it read.
    expect(row.cells).toEqual({ category: 'spaceships', auctionType: 'auction', reservePriceCents: 4000 });
  });

  it('a row with the wrong number of fields has no cells and one whole-row error', () => {
    const read = readListingsCsv(`${HEADER}\r\nShort,bikes,good\r\n`);
    expect(read.rows).toEqual([
      { line: 2, cells: {}, input: null, errors: [{ line: 2, column: null, message: 'has 3 fields, the header has 9' }] },
    ]);
  });

  it('a file-level problem leaves no rows', () => {
    expect(readListingsCsv('')).toEqual({ rows: [], errors: [{ line: 1, column: null, message: expect.any(String) }] });
  });
});
