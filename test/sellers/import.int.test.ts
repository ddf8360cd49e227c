/**
 * CSV bulk import of drafts (SPEC §9, TallyStore): `POST /v1/listings/import` (text/csv, ≤ 1 MB, ≤ 500
 * rows) creates every row as a draft of the caller, or nothing: each bad cell is reported by line
 * (header = line 1) and column (the header name) in a 422 problem.
 */
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { useDyingApi } from '../support/dying-api';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { expectProblem } from '../support/http';
import { whileDraftsRefused } from '../listings/support';

let env: TestEnv;
let seller: TestUser;
let other: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  [seller, other] = await Promise.all([createUser(env.deps, { displayName: 'Sam' }), createUser(env.deps, { displayName: 'Olga' })]);
});
afterAll(() => env.close());

const upload = (user: TestUser | null, csv: string | Buffer, type = 'text/csv') => {
  const req = env.http.post('/v1/listings/import').set('Content-Type', type);
  return (user ? req.set(user.auth) : req).send(typeof csv === 'string' ? csv : csv);
};
const draftsOf = (userId: string) =>
  env.deps.db.selectFrom('listings').selectAll().where('sellerId', '=', userId).orderBy('createdAt').orderBy('title').execute();
const cellErrors = (res: Response) =>
  (res.body.errors as Array<{ line: number; column: string | null; message: string; field: string }>).map(({ line, column }) => ({
    line,
    column,
  }));

const HEADER =
  'title,description,category,condition,auctionType,startingPriceCents,buyNowPriceCents,reservePriceCents,lat,lng,locationName';

describe('CSV import of drafts', () => {
  it('a valid file (BOM, CRLF, quoted accents, commas and quotes, empty optionals) → every row a draft', async () => {
    const csv =
      '\uFEFF' +
      `${HEADER}\r\n` +
      'Vélo de route,"Cadre acier, révisé",bikes,good,both,5000,12000,,45.5019,-73.5674,"Plateau, Montréal"\r\n' +
      'Guitare,,music,like_new,auction,7500,,9000,,,\r\n' +
      '"Lampe ""Arc""",Grande lampe,home,fair,fixed,,2500,,,,\r\n';
    const res = await upload(other, csv);
    expect(res.status).toBe(201);
    expect(res.body.created).toBe(3);
    expect(res.body.items.map((i: { line: number; title: string }) => [i.line, i.title])).toEqual([
      [2, 'Vélo de route'],
      [3, 'Guitare'],
      [4, 'Lampe "Arc"'],
    ]);
    const drafts = await draftsOf(other.id);
    expect(drafts).toHaveLength(3);
    const byTitle = Object.fromEntries(drafts.map((d) => [d.title, d]));
    expect(byTitle['Vélo de route']).toMatchObject({
      status: 'draft',
      description: 'Cadre acier, révisé',
      categorySlug: 'bikes',
      auctionType: 'both',
      startingPriceCents: 5000,
      buyNowPriceCents: 12_000,
      reservePriceCents: null,
      locationLat: 45.5019,
      locationLng: -73.5674,
      locationName: 'Plateau, Montréal',
    });
    expect(byTitle.Guitare).toMatchObject({ reservePriceCents: 9000, buyNowPriceCents: null, locationName: null, description: '' });
    expect(byTitle['Lampe "Arc"']).toMatchObject({ auctionType: 'fixed', startingPriceCents: 2500, buyNowPriceCents: 2500 });
    // The drafts are the caller's own and publishable as usual.
    expect((await env.http.post(`/v1/listings/${byTitle['Lampe "Arc"'].id}/publish`).set(other.auth)).status).toBe(200);
  });

  it('3 bad cells → 422 listing all 3 by line and column, nothing created', async () => {
    const csv =
      `${HEADER}\r\n` +
      'Good row,,bikes,good,auction,5000,,,,,\r\n' +
      'Bad price,,bikes,good,auction,12.50,,,,,\r\n' +
      'Bad condition,,bikes,mint,auction,5000,,,,,\r\n' +
      'Bad category,,spaceships,good,auction,5000,,,,,\r\n';
    const res = await upload(seller, csv);
    expectProblem(res, 422, 'invalid_csv');
    expect(cellErrors(res)).toEqual([
      { line: 3, column: 'startingPriceCents' },
      { line: 4, column: 'condition' },
      { line: 5, column: 'category' },
    ]);
    expect(res.body.errors[0]).toMatchObject({ field: 'startingPriceCents', message: expect.stringContaining('whole number') });
    expect(await draftsOf(seller.id)).toEqual([]);
  });

  it('a row with a bad cell and a broken listing rule → both in one 422, each bad cell once', async () => {
    const csv =
      `${HEADER}\r\n` +
      'ab,,spaceships,good,auction,5000,,,,,\r\n' + // title too short, and no such active category
      'Lamp,,bikes,good,auction,5000,,4000,north,-73.5674,Plateau\r\n' + // lat not a number, reserve not above starting
      'Bad cents,,bikes,good,auction,12.50,,4000,,,\r\n'; // the price rules read the bad cell: skipped, not reported twice
    const res = await upload(seller, csv);
    expectProblem(res, 422, 'invalid_csv');
    expect(cellErrors(res)).toEqual([
      { line: 2, column: 'title' },
      { line: 2, column: 'category' },
      { line: 3, column: 'lat' },
      { line: 3, column: 'reservePriceCents' },
      { line: 4, column: 'startingPriceCents' },
    ]);
    expect(res.body.errors[1]).toMatchObject({ field: 'category', message: expect.stringContaining('not an active category') });
    expect(res.body.errors[3]).toMatchObject({ field: 'reservePriceCents', message: 'must be greater than startingPriceCents' });
    expect(await draftsOf(seller.id)).toEqual([]);
  });

  it('a bad schedule cell skips only the schedule rules: the category of the same row is still checked', async () => {
    const csv =
      'title,category,condition,auctionType,startingPriceCents,startsAt,endsAt\r\n' + 'Clock,spaceships,good,auction,5000,,soon\r\n';
    const res = await upload(seller, csv);
    expectProblem(res, 422, 'invalid_csv');
    expect(cellErrors(res)).toEqual([
      { line: 2, column: 'endsAt' },
      { line: 2, column: 'category' },
    ]);
    expect(await draftsOf(seller.id)).toEqual([]);
  });

  it('rule violations, missing cells, half a location and a short row are reported too', async () => {
    const csv =
      `${HEADER}\r\n` +
      'ab,,bikes,good,auction,5000,,,,,\r\n' + // title too short
      'Cheap,,bikes,good,auction,100,,,,,\r\n' + // starting price under the minimum (a listing rule)
      'Reserve low,,bikes,good,both,5000,6000,4000,,,\r\n' + // reserve not above the starting price (a listing rule)
      ',,bikes,good,auction,5000,,,45.5,,\r\n' + // no title; lng and locationName missing
      'Short,bikes,good\r\n';
    const res = await upload(seller, csv);
    expectProblem(res, 422, 'invalid_csv');
    expect(cellErrors(res)).toEqual([
      { line: 2, column: 'title' },
      { line: 3, column: 'startingPriceCents' },
      { line: 4, column: 'reservePriceCents' },
      { line: 5, column: 'lng' },
      { line: 5, column: 'locationName' },
      { line: 5, column: 'title' },
      { line: 6, column: null },
    ]);
    expect(res.body.errors.find((e: { line: number; column: string }) => e.line === 5 && e.column === 'title').message).toBe('is required');
    expect(await draftsOf(seller.id)).toEqual([]);
  });

  it('header problems: unknown and missing columns at line 1; an empty file; a stray quote', async () => {
    const unknown = await upload(seller, 'title,colour,category,condition\r\nX,red,bikes,good\r\n');
    expectProblem(unknown, 422, 'invalid_csv');
    expect(cellErrors(unknown)).toEqual([
      { line: 1, column: 'colour' },
      { line: 1, column: 'auctionType' },
    ]);
    expect(cellErrors(await upload(seller, ''))).toEqual([{ line: 1, column: null }]);
    const quote = await upload(seller, `${HEADER}\r\nBad "quote",,bikes,good,auction,5000,,,,,\r\n`);
    expect(cellErrors(quote)).toEqual([{ line: 2, column: null }]);
    expect(await draftsOf(seller.id)).toEqual([]);
  });

  it('limits: 501 rows → 422 at line 502 (the 501st row); over 1 MB → 413; not text/csv → 415', async () => {
    const rows = Array.from({ length: 501 }, (_, i) => `Item ${i},,bikes,good,auction,5000,,,,,`).join('\r\n');
    const tooMany = await upload(seller, `${HEADER}\r\n${rows}\r\n`);
    expectProblem(tooMany, 422, 'invalid_csv');
    expect(cellErrors(tooMany)).toEqual([{ line: 502, column: null }]);
    const big = `${HEADER}\r\n` + `Big,${'x'.repeat(1024 * 1024)},bikes,good,auction,5000,,,,,\r\n`;
    expectProblem(await upload(seller, big), 413, 'payload_too_large');
    expectProblem(await upload(seller, JSON.stringify({ title: 'x' }), 'application/json'), 415, 'unsupported_media_type');
    expect(await draftsOf(seller.id)).toEqual([]);
  });

  it('500 rows is fine; anonymous 401; an unverified phone 403', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `Item ${i},,bikes,good,auction,5000,,,,,`).join('\r\n');
    const res = await upload(seller, `${HEADER}\r\n${rows}\r\n`);
    expect(res.status).toBe(201);
    expect(res.body.created).toBe(500);
    expect(await draftsOf(seller.id)).toHaveLength(500);
    expectProblem(await upload(null, `${HEADER}\r\n`), 401);
    const unverified = await createUser(env.deps);
    await env.deps.db.updateTable('users').set({ phoneVerifiedAt: null }).where('id', '=', unverified.id).execute();
    expectProblem(await upload(unverified, `${HEADER}\r\nX1,,bikes,good,auction,5000,,,,,\r\n`), 403, 'phone_not_verified');
    expect(await draftsOf(unverified.id)).toEqual([]);
  });
});

describe('CSV import by a new account (RATE_LIMIT_NEW_ACCOUNT_LISTINGS_PER_HOUR=2, accounts younger than 7 days)', () => {
  let limited: TestEnv;
  beforeAll(async () => {
    limited = await createTestEnv({ RATE_LIMIT_NEW_ACCOUNT_LISTINGS_PER_HOUR: '2' });
  });
  afterAll(() => limited.close());

  const send = (user: TestUser, titles: string[]) =>
    limited.http
      .post('/v1/listings/import')
      .set('Content-Type', 'text/csv')
      .set(user.auth)
      .send(`${HEADER}\r\n${titles.map((t) => `${t},,bikes,good,auction,5000,,,,,`).join('\r\n')}\r\n`);
  const draftsIn = (userId: string) => limited.deps.db.selectFrom('listings').select('title').where('sellerId', '=', userId).execute();

  it('more rows than the limit → 429 with Retry-After naming the first row over it; nothing created, nothing spent', async () => {
    const fresh = await createUser(limited.deps);
    const over = await send(fresh, ['One', 'Two', 'Three']);
    expectProblem(over, 429, 'rate_limited');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(3600);
    expect(over.body.errors).toEqual([{ field: 'body', line: 4, column: null, message: expect.stringContaining('2 listings an hour') }]);
    expect(await draftsIn(fresh.id)).toEqual([]);
    // The refused file spent none of the hour's budget: a file within it still goes through whole.
    const within = await send(fresh, ['One', 'Two']);
    expect(within.status).toBe(201);
    expect((await draftsIn(fresh.id)).map((d) => d.title).sort()).toEqual(['One', 'Two']);
    // Now the budget is spent: even one more row is refused at its line (2).
    const spent = await send(fresh, ['Three']);
    expectProblem(spent, 429, 'rate_limited');
    expect(spent.body.errors).toEqual([expect.objectContaining({ field: 'body', line: 2, column: null })]);
    expect(await draftsIn(fresh.id)).toHaveLength(2);
  });

  it('a file that cannot be stored gives its rows back to the budget: a server error costs no listing', async () => {
    const fresh = await createUser(limited.deps);
    await whileDraftsRefused(limited, fresh.id, async () => {
      expect((await send(fresh, ['One', 'Two'])).status).toBe(500);
    });
    expect((await send(fresh, ['One', 'Two'])).status).toBe(201);
    expect(await draftsIn(fresh.id)).toHaveLength(2);
  });

  it('an account older than 7 days imports past the limit', async () => {
    const old = await createUser(limited.deps);
    await limited.deps.db
      .updateTable('users')
      .set({ createdAt: new Date(Date.now() - 8 * 24 * 3600_000) } as never)
      .where('id', '=', old.id)
      .execute();
    const res = await send(old, ['One', 'Two', 'Three']);
    expect(res.status).toBe(201);
    expect(res.body.created).toBe(3);
  });
});

describe('CSV import with an Idempotency-Key', () => {
  // A second api on the same database whose requests die past their commit (test/support/dying-api.ts).
  const dyingApi = useDyingApi(() => env);

  const csv = `${HEADER}\r\nOne,,bikes,good,auction,5000,,,,,\r\nTwo,,music,good,auction,7500,,,,,\r\n`;
  const importWithKey = (user: TestUser, key: string, api = env.http) =>
    api.post('/v1/listings/import').set('Content-Type', 'text/csv').set(user.auth).set('Idempotency-Key', key).send(csv);

  it('a retry after the first request died past its commit gets the same 201, and every row is a draft once', async () => {
    const importer = await createUser(env.deps);
    const key = randomUUID();
    await dyingApi.dieAfterWork(key, (api) => importWithKey(importer, key, api));
    const drafts = await draftsOf(importer.id);
    expect(drafts.map((d) => d.title)).toEqual(['One', 'Two']);
    // The client retries under the same key once the dead request's lease (IDEMPOTENCY_LEASE_MS) is over.
    const retry = await importWithKey(importer, key);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual({
      created: 2,
      items: drafts.map((d, i) => ({ id: d.id, title: d.title, line: i + 2, status: 'draft' })),
    });
    expect(await draftsOf(importer.id)).toHaveLength(2);
  });

  it('a replay answers the stored 201 without importing again', async () => {
    const importer = await createUser(env.deps);
    const key = randomUUID();
    const first = await importWithKey(importer, key);
    const replay = await importWithKey(importer, key);
    expect([first.status, replay.status, replay.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
    expect(replay.body).toEqual(first.body);
    expect(await draftsOf(importer.id)).toHaveLength(2);
  });
});
