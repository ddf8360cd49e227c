/**
 * `bulkInsert` sends each column as one array parameter: every value must arrive as a `VALUES`
 * insert would store it (quotes, backslashes, braces and commas in text and JSON, nulls, times to the
 * millisecond), rows in the order given (serial ids follow it), and the statement text must not
 * depend on the row count, so that it is prepared once and reused.
 */
import { sql } from 'kysely';
import { bulkInsert } from '../../db/bulk-insert';
import { createTestEnv, type TestEnv } from '../support/harness';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const OUTBOX_COLUMNS = { topic: 'text', payload: 'jsonb', availableAt: { type: 'timestamptz', whenNull: sql`now()` } } as const;

it('stores awkward text and JSON exactly, in row order, and a null as the column default it is given', async () => {
  const awkward = ['plain', 'a "quoted" word', 'back\\slash', '{braces}, commas', "it's", 'NULL', '', 'émoji 🎉 and\nnewline'];
  const held = new Date(Date.now() + 60_000);
  const rows = awkward.map((text, i) => ({
    topic: `bulk-${text}`,
    payload: JSON.stringify({ text, i, nested: { list: [text, null] } }),
    availableAt: i % 2 === 0 ? held : undefined,
  }));
  const before = await sql<{ now: Date }>`SELECT now() AS now`.execute(env.deps.db);
  const inserted = await bulkInsert(env.deps.db, 'outbox', OUTBOX_COLUMNS, rows)
    .returning(['id', 'topic', 'payload', 'availableAt'])
    .execute();

  expect(inserted.map((r) => r.topic)).toEqual(rows.map((r) => r.topic));
  expect(inserted.map((r) => r.payload)).toEqual(rows.map((r) => JSON.parse(r.payload)));
  const ids = inserted.map((r) => BigInt(r.id as string));
  expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
  inserted.forEach((r, i) => {
    if (i % 2 === 0) expect(r.availableAt.getTime()).toBe(held.getTime());
    else expect(r.availableAt.getTime()).toBeGreaterThanOrEqual(before.rows[0].now.getTime());
  });
  await env.deps.db.deleteFrom('outbox').where('topic', 'like', 'bulk-%').execute();
});

it('compiles to the same statement text for one row and for a thousand', () => {
  const row = { topic: 'bulk-text', payload: '{}' };
  const one = bulkInsert(env.deps.db, 'outbox', OUTBOX_COLUMNS, [row]).compile();
  const many = bulkInsert(env.deps.db, 'outbox', OUTBOX_COLUMNS, Array(1000).fill(row)).compile();
  expect(many.sql).toBe(one.sql);
  expect(many.parameters).toHaveLength(3);
  expect(one.sql).toMatch(/^insert into "outbox" \("topic", "payload", "available_at"\) select/i);
});
