/**
 * Seller dashboard (SPEC §9): `GET /v1/users/me/sales?from&to` → the caller's own paid sales with gross,
 * refunds, commission (6%), escrow fee ($1.99) and net, totals for the range and per month; with
 * `Accept: text/csv` the same rows streamed as CSV (UTF-8 with BOM, RFC 4180 quoting, dollars).
 */
import { sql } from 'kysely';
import type { Response } from 'supertest';
import type { TransactionStatus } from '../../db/schema';
import { commissionCents } from '../../src/shared/money';
import { createTestEnv, createUser, type TestEnv, type TestUser } from '../support/harness';
import { createActiveListing } from '../support/fixtures';
import { expectProblem } from '../support/http';

let env: TestEnv;
let seller: TestUser;
let buyer: TestUser;
let other: TestUser;

beforeAll(async () => {
  env = await createTestEnv();
  [seller, buyer, other] = await Promise.all(['Sam', 'Alice', 'Olga'].map((displayName) => createUser(env.deps, { displayName })));
});
afterAll(() => env.close());

/** A sale of `amountCents` by `sellerId` made at `at`, in `status`, with fees fixed as a real sale's are. */
async function sale(sellerId: string, amountCents: number, at: string, status: TransactionStatus, opts: { refundedCents?: number; title?: string } = {}) {
  const listing = await createActiveListing(env.deps, sellerId, { status: 'ended_sold', title: opts.title });
  const commission = commissionCents(amountCents, 600);
  return env.deps.db
    .insertInto('transactions')
    .values({
      listingId: listing.id,
      buyerId: buyer.id,
      sellerId,
      amountCents,
      commissionBps: 600,
      commissionCents: commission,
      escrowFeeCents: 199,
      sellerPayoutCents: amountCents - commission - 199,
      status,
      source: 'auction',
      paymentDueAt: new Date(at),
      refundedCents: opts.refundedCents ?? 0,
      createdAt: new Date(at),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

const sales = (user: TestUser | null, query: Record<string, string | number> = {}) => {
  const req = env.http.get('/v1/users/me/sales').query(query);
  return user ? req.set(user.auth) : req;
};
/** The raw bytes of a CSV answer (to see the BOM as bytes). */
const csv = (user: TestUser | null, query: Record<string, string | number> = {}) =>
  sales(user, query)
    .set('Accept', 'text/csv')
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

/** A problem answer to a CSV request, its body parsed from the raw bytes. */
function expectCsvProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse((res.body as Buffer).toString('utf8'));
  expect(body).toMatchObject({ status, code: expect.any(String) });
  return body as { code: string; errors?: Array<{ field: string }> };
}

describe('sales dashboard', () => {
  beforeAll(async () => {
    await sale(seller.id, 10_000, '2026-11-20T15:00:00Z', 'released', { title: 'Vélo "pro", 56 cm' });
    await sale(seller.id, 5_000, '2026-10-05T12:00:00Z', 'in_escrow');
    await sale(seller.id, 20_000, '2026-11-02T09:00:00Z', 'partially_refunded', { refundedCents: 5_000 });
    // Not money yet, or never: not on the dashboard.
    await sale(seller.id, 7_000, '2026-11-03T09:00:00Z', 'pending_payment');
    await sale(seller.id, 8_000, '2026-11-04T09:00:00Z', 'cancelled');
    // Someone else's sale.
    await sale(other.id, 9_900, '2026-11-05T09:00:00Z', 'released');
  });

  it('gross, refunds, commission, escrow fee and net per sale, for the range and per month', async () => {
    const res = await sales(seller);
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { grossCents: number }) => i.grossCents)).toEqual([10_000, 20_000, 5_000]);
    expect(res.body.items[0]).toMatchObject({
      listingTitle: 'Vélo "pro", 56 cm',
      status: 'released',
      soldAt: '2026-11-20T15:00:00.000Z',
      grossCents: 10_000,
      refundedCents: 0,
      commissionCents: 600,
      escrowFeeCents: 199,
      netCents: 9_201,
    });
    // A partial refund of 5000 on 20000: fees on the 15000 kept (SPEC §1).
    expect(res.body.items[1]).toMatchObject({ grossCents: 20_000, refundedCents: 5_000, commissionCents: 900, escrowFeeCents: 199, netCents: 13_901 });
    expect(res.body.totals).toEqual({ count: 3, grossCents: 35_000, refundedCents: 5_000, commissionCents: 1_800, escrowFeeCents: 597, netCents: 27_603 });
    expect(res.body.periods).toEqual([
      { period: '2026-11', count: 2, grossCents: 30_000, refundedCents: 5_000, commissionCents: 1_500, escrowFeeCents: 398, netCents: 23_102 },
      { period: '2026-10', count: 1, grossCents: 5_000, refundedCents: 0, commissionCents: 300, escrowFeeCents: 199, netCents: 4_501 },
    ]);
    expect(res.body.nextCursor).toBeNull();
  });

  it('from/to: a date `to` includes that whole day; pages by cursor, totals over the whole range', async () => {
    const november = await sales(seller, { from: '2026-11-01', to: '2026-11-20', limit: 1 });
    expect(november.body.totals).toMatchObject({ count: 2, grossCents: 30_000 });
    expect(november.body.items).toHaveLength(1);
    const next = await sales(seller, { from: '2026-11-01', to: '2026-11-20', limit: 1, cursor: november.body.nextCursor });
    expect(next.body.items.map((i: { grossCents: number }) => i.grossCents)).toEqual([20_000]);
    expect(next.body.nextCursor).toBeNull();
    const beforeInstant = await sales(seller, { to: '2026-11-20T15:00:00Z' });
    expect(beforeInstant.body.totals.count).toBe(2);
  });

  it('only the caller’s own sales; anonymous 401', async () => {
    const theirs = await sales(buyer);
    expect(theirs.body).toMatchObject({ items: [], totals: { count: 0, grossCents: 0, netCents: 0 }, periods: [] });
    const olga = await sales(other);
    expect(olga.body.totals).toMatchObject({ count: 1, grossCents: 9_900 });
    // Another seller's transaction cannot position my cursor.
    const foreign = await sales(seller, { cursor: olga.body.items[0].transactionId });
    expect(foreign.body.items).toEqual([]);
    expectProblem(await sales(null), 401);
    expectCsvProblem(await csv(null), 401);
    const theirsCsv = await csv(buyer);
    expect((theirsCsv.body as Buffer).toString('utf8')).toBe('\uFEFFsoldAt,transactionId,listingId,listingTitle,status,gross,refunded,commission,escrowFee,net\r\n');
  });

  it('bad input → 400 naming the field (JSON and CSV alike)', async () => {
    const cases: Array<[Record<string, string | number>, string]> = [
      [{ from: 'yesterday' }, 'from'],
      [{ to: '2026-13-40' }, 'to'],
      [{ from: '2026-11-10', to: '2026-11-01' }, 'to'],
      [{ limit: 0 }, 'limit'],
      [{ cursor: 'abc' }, 'cursor'],
    ];
    for (const [query, field] of cases) {
      const json = await sales(seller, query);
      expectProblem(json, 400);
      expect(json.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      const fromCsv = expectCsvProblem(await csv(seller, query), 400);
      expect(fromCsv.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
  });

  it('Accept: text/csv streams the same rows: UTF-8 BOM, RFC 4180 quoting, dollars with 2 decimals', async () => {
    const res = await csv(seller);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="biddt-sales-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('soldAt,transactionId,listingId,listingTitle,status,gross,refunded,commission,escrowFee,net');
    expect(lines).toHaveLength(5); // header, 3 sales, and the empty string after the last CRLF
    expect(lines[1]).toMatch(/^2026-11-20T15:00:00\.000Z,[0-9a-f-]{36},[0-9a-f-]{36},"Vélo ""pro"", 56 cm",released,100\.00,0\.00,6\.00,1\.99,92\.01$/);
    expect(lines[2]).toMatch(/,partially_refunded,200\.00,50\.00,9\.00,1\.99,139\.01$/);
    expect(lines[4]).toBe('');
  });

  it('streams more rows than one page (chunked, every sale once)', async () => {
    const bulk = await createUser(env.deps, { displayName: 'Bulk' });
    const listing = await createActiveListing(env.deps, bulk.id, { status: 'ended_sold' });
    // 1200 listings and their sales in two statements (one live sale per listing), more than two CSV pages.
    await env.deps.db.executeQuery(
      sql`
        INSERT INTO listings (seller_id, title, category_slug, condition, auction_type, starting_price_cents, current_price_cents, status)
        SELECT ${bulk.id}, 'Lot ' || g, 'other', 'good', 'auction', 500, 500, 'ended_sold' FROM generate_series(1, 1200) g`.compile(env.deps.db),
    );
    await env.deps.db.executeQuery(
      sql`
        INSERT INTO transactions (listing_id, buyer_id, seller_id, amount_cents, commission_bps, commission_cents, escrow_fee_cents,
                                  seller_payout_cents, status, source, payment_due_at, created_at)
        SELECT l.id, ${buyer.id}, ${bulk.id}, 1000, 600, 60, 199, 741, 'released', 'auction', now(), now() - make_interval(secs => row_number() OVER ())
        FROM listings l WHERE l.seller_id = ${bulk.id} AND l.id <> ${listing.id}`.compile(env.deps.db),
    );
    const res = await csv(bulk);
    expect(res.status).toBe(200);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const rows = (res.body as Buffer).toString('utf8').split('\r\n').slice(1, -1);
    expect(rows).toHaveLength(1200);
    expect(new Set(rows.map((r) => r.split(',')[1])).size).toBe(1200);
    expect(rows.every((r) => r.endsWith(',10.00,0.00,0.60,1.99,7.41'))).toBe(true);
  });
});
