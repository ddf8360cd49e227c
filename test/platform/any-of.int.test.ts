/**
 * `anyOf` compares a column with a list sent as one array parameter: it matches exactly the listed
 * values (an empty list matches nothing), and its statement text does not depend on the list's
 * length, so it is prepared once (db/prepared.ts). The close batch's lock, the bid batch's reads
 * and the relay's mark use it instead of `in (…)` for that.
 */
import { anyOf } from '../../db/any-of';
import { createTestEnv, type TestEnv } from '../support/harness';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

it('matches the listed values and nothing for an empty list', async () => {
  const topics = ['any-of a', 'any-of "b"', 'any-of c,d'];
  const rows = await env.deps.db
    .insertInto('outbox')
    .values(topics.map((topic) => ({ topic, payload: '{}' })))
    .returning(['id', 'topic'])
    .execute();
  const select = (ids: string[]) =>
    env.deps.db.selectFrom('outbox').select('topic').where('id', '=', anyOf(ids, 'bigint')).orderBy('id').execute();

  expect((await select([rows[0].id, rows[2].id])).map((r) => r.topic)).toEqual([topics[0], topics[2]]);
  expect(await select([])).toEqual([]);
  const byTopic = await env.deps.db
    .selectFrom('outbox')
    .select('id')
    .where('topic', '=', anyOf(topics.slice(1), 'text'))
    .execute();
  expect(byTopic).toHaveLength(2);
  await env.deps.db.deleteFrom('outbox').where('topic', 'like', 'any-of%').execute();
});

it('compiles to one statement text for one value and for a thousand', () => {
  const text = (n: number) =>
    env.deps.db
      .selectFrom('listings')
      .select('id')
      .where('id', '=', anyOf(Array(n).fill('00000000-0000-0000-0000-000000000000'), 'uuid'))
      .compile();
  expect(text(1000).sql).toBe(text(1).sql);
  expect(text(1000).parameters).toHaveLength(1);
});
