import { sql } from 'kysely';
import { createDb, type Db } from '../../db/connection';
import { loadConfig } from '../../src/config/config';
import { createTestDatabase, testEnvVars } from '../support/harness';

/**
 * db/prepared.ts against a real PostgreSQL: one connection per pool (max 1), so
 * `pg_prepared_statements` (per session) shows what that connection prepared.
 */
describe('prepared statements (DATABASE_PREPARE)', () => {
  let database: { url: string; drop(): Promise<void> };
  const opened: Db[] = [];
  const open = (prepare: Parameters<typeof createDb>[4]) => {
    const db = createDb(database.url, 1, () => undefined, {}, prepare);
    opened.push(db);
    return db;
  };
  const prepared = async (db: Db) =>
    (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db)).rows.map((r) => r.statement);
  const byId = (db: Db, id: string) => db.selectFrom('users').select(['id', 'displayName']).where('id', '=', id).execute();
  const byIdText = 'select "id", "display_name" from "users" where "id" = $1';

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const db of opened) await db.destroy();
    await database.drop();
  });

  it('is on unless DATABASE_PREPARE=off', () => {
    expect(loadConfig(testEnvVars('postgres://x/y')).databasePrepare).toBe(true);
    expect(loadConfig(testEnvVars('postgres://x/y', { DATABASE_PREPARE: 'off' })).databasePrepare).toBe(false);
  });

  it('prepares a statement from its second execution on, and executes it prepared afterwards', async () => {
    const db = open({});
    const id = '00000000-0000-0000-0000-000000000001';
    await byId(db, id);
    expect(await prepared(db)).not.toContain(byIdText);
    await byId(db, id);
    expect(await prepared(db)).toContain(byIdText);
    await byId(db, id);
    // Executed as the prepared statement, not parsed again (generic_plans + custom_plans counts executions).
    const { rows } = await sql<{ runs: number }>`
      select (generic_plans + custom_plans)::int as runs from pg_prepared_statements where statement = ${byIdText}`.execute(db);
    expect(rows[0].runs).toBe(2);
    // Transaction control is sent as before; a transaction's statements are prepared like any other.
    await db.transaction().execute(async (trx) => {
      await byId(trx, id);
    });
    expect((await prepared(db)).filter((s) => /^\s*(begin|commit)/i.test(s))).toEqual([]);
  });

  it('holds its cap of distinct statements per pool', async () => {
    const db = open({ maxStatements: 3 });
    for (let i = 0; i < 6; i += 1) {
      for (let n = 0; n < 3; n += 1) await sql`select ${i}::int + ${sql.raw(String(i))} as v`.execute(db);
    }
    const statements = await prepared(db);
    expect(statements.length).toBeLessThanOrEqual(3);
    expect(statements).toContain('select $1::int + 0 as v');
    expect(statements).not.toContain('select $1::int + 5 as v');
  });

  it('keeps the connection usable after a prepared statement errors, at parse or at execution, in or out of a transaction', async () => {
    const db = open({});
    const divide = (n: number) => sql<{ v: number }>`select 10 / ${n}::int as v`.execute(db);
    await divide(1);
    await divide(2); // now prepared
    await expect(divide(0)).rejects.toThrow(/division by zero/);
    expect((await divide(5)).rows[0].v).toBe(2);
    // A text that never parses is never recorded as prepared on the connection.
    const missing = () => sql`select * from no_such_table where id = ${1}`.execute(db);
    for (let n = 0; n < 3; n += 1) await expect(missing()).rejects.toThrow(/does not exist/);
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`select 10 / ${0}::int as v`.execute(trx);
      }),
    ).rejects.toThrow(/division by zero/);
    expect((await divide(10)).rows[0].v).toBe(1);
    expect(await prepared(db)).toContain('select 10 / $1::int as v');
  });

  it('survives a table altered under a prepared `select *` (a migration while the process runs)', async () => {
    const db = open({});
    const other = createDb(database.url, 1);
    opened.push(other);
    await sql`create table prep_probe (id int primary key)`.execute(other);
    await sql`insert into prep_probe values (1)`.execute(other);
    const read = () => db.selectFrom('prep_probe' as 'users').selectAll().where('id', '=', '1').execute();
    await read();
    await read(); // prepared
    await sql`alter table prep_probe add column note text default 'x'`.execute(other);
    // "cached plan must not change result type": outside a transaction it runs again, unnamed.
    expect(await read()).toEqual([{ id: 1, note: 'x' }]);
    expect(await read()).toEqual([{ id: 1, note: 'x' }]);
    // Inside a transaction (another text: that one is retired on this connection now) the first attempt
    // fails as any error would, and the connection sends the text unnamed from then on.
    await sql`alter table prep_probe add column more int default 2`.execute(other);
    const inTrx = () => db.transaction().execute((trx) => trx.selectFrom('prep_probe' as 'users').selectAll().where('id', '>=', '1').execute());
    await inTrx();
    await inTrx(); // prepared
    await sql`alter table prep_probe drop column more`.execute(other);
    await expect(inTrx()).rejects.toThrow(/cached plan must not change result type/);
    expect(await inTrx()).toEqual([{ id: 1, note: 'x' }]);
  });

  it('sends every statement unnamed when switched off', async () => {
    const db = open(false);
    const id = '00000000-0000-0000-0000-000000000002';
    for (let n = 0; n < 5; n += 1) await byId(db, id);
    expect(await prepared(db)).toEqual([]);
  });
});
