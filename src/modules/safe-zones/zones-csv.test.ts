import { readZonesCsv } from './zones-csv';

describe('readZonesCsv', () => {
  it('reads columns in any order and any case, with optional columns left out', () => {
    const result = readZonesCsv('LNG,Lat,name,address,kind,timezone\r\n-79.38,43.65,  Demo zone ,1 Main St,Library,America/Toronto\r\n');
    expect(result).toEqual({
      ok: true,
      zones: [
        {
          name: 'Demo zone',
          address: '1 Main St',
          kind: 'library',
          lat: 43.65,
          lng: -79.38,
          timezone: 'America/Toronto',
          phone: null,
          hours: null,
        },
      ],
      lines: [2],
    });
  });

  it('lists every bad cell of every row, with the header as line 1', () => {
    const csv =
      'name,address,kind,lat,lng,timezone,phone,hours\n' + 'a,b,mall,1e3,x,Nowhere/City,123,Sun 10:00-09:00\n' + 'ok,ok,other,0,0,UTC,,\n';
    const result = readZonesCsv(csv);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => `${e.line}:${e.column}`)).toEqual(['2:lat', '2:lng', '2:timezone', '2:phone', '2:hours']);
  });
});
