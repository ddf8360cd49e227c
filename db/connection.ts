import { CamelCasePlugin, Kysely, PostgresDialect, type KyselyProps, type Transaction } from 'kysely';
import { Pool, types } from 'pg';
import { prepareStatements, StatementNames, type PrepareOptions } from './prepared';
import type { Database } from './schema';

// int8 (bigint) columns hold counts and ids well below 2^53; numeric stays a string.
types.setTypeParser(types.builtins.INT8, (value) => value);

export type Db = Kysely<Database>;
/** A database transaction; the word "transaction" alone means the sale (`Transaction` in schema.ts). */
export type Trx = Transaction<Database>;

/** Bounds of the pool, in ms; 0 (or absent) means none. */
export interface PoolTimeouts {
  /** Waiting for a connection (a new one, or a pool slot): an unreachable or hung server fails fast. */
  connectMs?: number;
  /** An unused connection is closed after this long. */
  idleMs?: number;
  /** PostgreSQL `statement_timeout`: a runaway statement (or one stuck behind a lock) is cancelled. */
  statementMs?: number;
  /**
   * PostgreSQL `idle_in_transaction_session_timeout`: a transaction left open (its process stuck on
   * something else) is rolled back and its locks released instead of freezing every writer behind it.
   */
  idleInTransactionMs?: number;
}

/**
 * Opens a Kysely instance over a pg pool. Scripts and migrations pass no timeouts (they may run long)
 * and no `prepare`: their statements rarely repeat. The app's processes prepare their frequent
 * statements (db/prepared.ts) unless `DATABASE_PREPARE=off`.
 */
export function createDb(
  connectionString: string,
  max = 10,
  onIdleError: (err: Error) => void = () => undefined,
  timeouts: PoolTimeouts = {},
  prepare: PrepareOptions | false = false,
): Db {
  const pool = new Pool({
    connectionString,
    max,
    application_name: 'biddt',
    connectionTimeoutMillis: timeouts.connectMs ?? 0,
    idleTimeoutMillis: timeouts.idleMs ?? 10_000,
    // A query is written as soon as it is issued, not after the previous one's answer: statements
    // issued together share a round trip (db/pipelined-transaction.ts). Awaited one by one, as
    // everywhere else, they behave exactly as without it.
    pipeline: true,
    // Sent as startup parameters, so they hold for every statement on the connection; 0 = none.
    ...(timeouts.statementMs ? { statement_timeout: timeouts.statementMs } : {}),
    ...(timeouts.idleInTransactionMs ? { idle_in_transaction_session_timeout: timeouts.idleInTransactionMs } : {}),
  });
  // An idle client losing its connection (server restart, shutdown) must not crash the process;
  // the pool replaces it and the next query reports any lasting outage.
  pool.on('error', onIdleError);
  // The pool listens for errors only while a client is idle. A checked-out client whose connection
  // the server ends between two queries (idle-in-transaction timeout, restart) would emit an 'error'
  // nobody hears, which crashes the process; heard here, the client turns unqueryable instead, its next
  // query fails, and the pool discards it on release.
  pool.on('connect', (client) => client.on('error', onIdleError));
  if (prepare) prepareStatements(pool, new StatementNames(prepare));
  const config = { dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] };
  const db = new Kysely<Database>(config);
  kyselyParts.set(db, { config, dialect: config.dialect, driver: config.dialect.createDriver() });
  return db;
}

/** What a Kysely instance is built from, kept to build one over a single connection (db/pipelined-transaction.ts). */
export const kyselyParts = new WeakMap<Db, Omit<KyselyProps, 'executor'>>();
