import { CamelCasePlugin, Kysely, PostgresDialect, type Transaction } from 'kysely';
import { Pool, types } from 'pg';
import type { Database } from './schema';

// int8 (bigint) columns hold counts and ids well below 2^53; numeric stays a string.
types.setTypeParser(types.builtins.INT8, (value) => value);

export type Db = Kysely<Database>;
/** A database transaction; the word "transaction" alone means the sale (`Transaction` in schema.ts). */
export type Trx = Transaction<Database>;

/** Opens a Kysely instance over a pg pool. */
export function createDb(connectionString: string, max = 10, onIdleError: (err: Error) => void = () => undefined): Db {
  const pool = new Pool({ connectionString, max, application_name: 'biddt' });
  // An idle client losing its connection (server restart, shutdown) must not crash the process;
  // the pool replaces it and the next query reports any lasting outage.
  pool.on('error', onIdleError);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
}
