/**
 * `pipelinedTransaction` writes statements started together without waiting for each answer, yet
 * PostgreSQL runs them in the order they were started, in one transaction: a read written together
 * with a lock still waits for the lock and sees what the lock's previous holder committed; COMMIT
 * written behind a write that fails keeps nothing; a failure anywhere rolls back and leaves the
 * connection clean. A TCP proxy in front of PostgreSQL shows what has left the client and when.
 */
import { Client } from 'pg';
import { sql } from 'kysely';
import { createDb, type Db } from '../../db/connection';
import { pipelinedTransaction } from '../../db/pipelined-transaction';
import { createTestDatabase } from '../support/harness';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

let database: { url: string; drop(): Promise<void> };
let proxy: TcpProxy;
let db: Db;
let other: Client;
let sent = '';

beforeAll(async () => {
  database = await createTestDatabase();
  const url = new URL(database.url);
  proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) }, { onClientData: (chunk) => (sent += chunk.toString('latin1')) });
  url.host = `127.0.0.1:${proxy.port}`;
  db = createDb(url.toString(), 1);
  other = new Client({ connectionString: database.url });
  await other.connect();
  await other.query('CREATE TABLE pipeline_probe (id int PRIMARY KEY, v int NOT NULL)');
});
afterAll(async () => {
  await other.end();
  await db.destroy();
  await proxy.cut();
  await database.drop();
});
beforeEach(async () => {
  await other.query('TRUNCATE pipeline_probe');
  await other.query('INSERT INTO pipeline_probe VALUES (1, 10)');
  sent = '';
});

const rowsOf = async () => (await other.query<{ id: number; v: number }>('SELECT id, v FROM pipeline_probe ORDER BY id')).rows;
const until = async (done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i += 1) await new Promise((r) => setTimeout(r, 10));
  expect(done()).toBe(true);
};

it('writes BEGIN, a lock and a read together; the read still runs after the lock and sees what its holder committed', async () => {
  await other.query('BEGIN');
  await other.query('SELECT * FROM pipeline_probe WHERE id = 1 FOR UPDATE');

  const done = pipelinedTransaction(db, async (trx) =>
    Promise.all([
      sql<{ v: number }>`SELECT v FROM pipeline_probe WHERE id = 1 FOR UPDATE /* the lock */`.execute(trx),
      sql<{ v: number }>`SELECT v AS seen FROM pipeline_probe WHERE id = 1 /* the read */`.execute(trx),
    ]),
  );
  // All three have left the client while the lock is still held elsewhere.
  await until(() => sent.includes('the read'));
  expect(sent.indexOf('begin')).toBeLessThan(sent.indexOf('the lock'));
  expect(sent.indexOf('the lock')).toBeLessThan(sent.indexOf('the read'));

  await other.query('UPDATE pipeline_probe SET v = 11 WHERE id = 1');
  await other.query('COMMIT');
  const [locked, read] = await done;
  expect(locked.rows).toEqual([{ v: 11 }]);
  expect(read.rows).toEqual([{ seen: 11 }]);
});

it('writes COMMIT behind the last write before the write is answered, and commits it', async () => {
  await other.query('BEGIN');
  await other.query('SELECT * FROM pipeline_probe WHERE id = 1 FOR UPDATE');

  const done = pipelinedTransaction(db, async (trx, commitAfter) => {
    await sql`SELECT 1 /* first */`.execute(trx);
    return commitAfter(sql`UPDATE pipeline_probe SET v = v + 5 WHERE id = 1 /* the write */`.execute(trx));
  });
  await until(() => sent.includes('the write'));
  await until(() => sent.indexOf('commit', sent.indexOf('the write')) > 0);

  await other.query('COMMIT');
  await done;
  expect(await rowsOf()).toEqual([{ id: 1, v: 15 }]);
});

it('keeps nothing when the last write fails with COMMIT already written behind it, and the connection stays usable', async () => {
  const failed = pipelinedTransaction(db, async (trx, commitAfter) => {
    await sql`UPDATE pipeline_probe SET v = 20 WHERE id = 1`.execute(trx);
    return commitAfter(sql`INSERT INTO pipeline_probe VALUES (1, 0)`.execute(trx));
  });
  await expect(failed).rejects.toMatchObject({ code: '23505' });
  expect(await rowsOf()).toEqual([{ id: 1, v: 10 }]);
  // The pool's only connection is back, outside any transaction.
  const after = await sql<{ state: string }>`SELECT 'ok' AS state`.execute(db);
  expect(after.rows).toEqual([{ state: 'ok' }]);
  await sql`INSERT INTO pipeline_probe VALUES (2, 2)`.execute(db);
  expect(await rowsOf()).toEqual([{ id: 1, v: 10 }, { id: 2, v: 2 }]);
});

it('rolls back when the body throws after its statements, and when a statement started together fails', async () => {
  await expect(
    pipelinedTransaction(db, async (trx) => {
      await sql`UPDATE pipeline_probe SET v = 30 WHERE id = 1`.execute(trx);
      throw new Error('changed my mind');
    }),
  ).rejects.toThrow('changed my mind');
  await expect(
    pipelinedTransaction(db, async (trx) =>
      Promise.all([sql`UPDATE pipeline_probe SET v = 40 WHERE id = 1`.execute(trx), sql`SELECT 1 / 0`.execute(trx), sql`SELECT 2`.execute(trx)]),
    ),
  ).rejects.toMatchObject({ code: '22012' });
  expect(await rowsOf()).toEqual([{ id: 1, v: 10 }]);
});

it('commits a body that never calls commitAfter, and returns its result', async () => {
  const result = await pipelinedTransaction(db, async (trx) => {
    await sql`UPDATE pipeline_probe SET v = 50 WHERE id = 1`.execute(trx);
    return 'done';
  });
  expect(result).toBe('done');
  expect(await rowsOf()).toEqual([{ id: 1, v: 50 }]);
});
