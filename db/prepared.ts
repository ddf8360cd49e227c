import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Pool, PoolClient, QueryResult } from 'pg';

/**
 * Server-side prepared statements for Kysely's pool. Kysely sends every statement unnamed, so
 * PostgreSQL parses, analyzes and plans it anew each time (≈ 0.35 ms of its CPU per statement on
 * this kind of host, docs/BENCHMARKS.md); `pg` prepares a query only when it carries a name, then
 * parses it once per connection and only binds and executes it afterwards.
 *
 * Kysely produces unbounded distinct texts (IN lists, multi-row inserts of any length) and `pg`
 * keeps a named statement per connection for the connection's life (as does PostgreSQL), so only
 * texts seen twice are named, at most `maxStatements` per process, and never long texts or texts
 * with many parameters; the rest stays unnamed, as before.
 */
export interface PrepareOptions {
  /** Distinct texts named per process; once reached, new texts stay unnamed. */
  maxStatements?: number;
  /** Texts longer than this (characters) stay unnamed: they are the generated, rarely repeated ones. */
  maxTextLength?: number;
  /** Texts with more parameters stay unnamed (IN lists, multi-row inserts). */
  maxParameters?: number;
}

const PLAN_EACH_TIME_MARK = '/* plan each time */';
/**
 * Appended to a statement (`.modifyEnd(planEachTime)`) whose best plan depends on its parameters:
 * it stays unnamed, so PostgreSQL plans it for each execution's values. A prepared statement gets a
 * generic plan after 5 executions when PostgreSQL estimates it no worse than the custom ones; for
 * browse near a point that estimate was wrong by 2–3× (docs/BENCHMARKS.md, Browse).
 */
export const planEachTime = sql.raw(PLAN_EACH_TIME_MARK);

const DEFAULTS = { maxStatements: 300, maxTextLength: 8_000, maxParameters: 100 };
/** Transaction control gains nothing from preparing; text with ';' may hold several statements. */
const UNPREPARED = /^\s*(begin|commit|rollback|start|savepoint|release|end|abort|set|reset|show|listen|unlisten|notify|lock)\b/i;

/** Which statement texts get a name, shared by every connection of one pool. */
export class StatementNames {
  private readonly named = new Map<string, string>();
  private seen = new Set<string>();
  private readonly limits: Required<PrepareOptions>;

  constructor(options: PrepareOptions = {}) {
    this.limits = { ...DEFAULTS, ...options };
  }

  /** The statement name for `text`, or undefined to send it unnamed. */
  nameFor(text: string, parameters: number): string | undefined {
    const known = this.named.get(text);
    if (known !== undefined) return known;
    if (this.named.size >= this.limits.maxStatements) return undefined;
    if (text.length > this.limits.maxTextLength || parameters > this.limits.maxParameters) return undefined;
    if ((parameters === 0 && text.includes(';')) || UNPREPARED.test(text) || text.includes(PLAN_EACH_TIME_MARK)) return undefined;
    if (!this.seen.has(text)) {
      // The texts seen once are bounded too: forgetting them only delays naming a frequent one.
      if (this.seen.size >= 20 * this.limits.maxStatements) this.seen = new Set();
      this.seen.add(text);
      return undefined;
    }
    this.seen.delete(text);
    const name = `k${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    this.named.set(text, name);
    return name;
  }

  get size(): number {
    return this.named.size;
  }
}

type Query = (text: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * A prepared statement whose result columns changed under it (a migration altered a table the
 * statement reads with `*` or `RETURNING *` while this process ran) fails every later execution on
 * that connection; PostgreSQL re-plans it after any other DDL by itself.
 */
const resultTypeChanged = (err: unknown) =>
  (err as { code?: string }).code === '0A000' && /cached plan must not change result type/.test(String((err as Error).message));

/** Names frequent statements of every client the pool opens (see StatementNames). */
export function prepareStatements(pool: Pool, names: StatementNames): void {
  pool.on('connect', (client: PoolClient) => {
    const query = client.query.bind(client) as Query;
    // Texts this connection must no longer name (their statement's result type changed).
    const retired = new Set<string>();
    (client as unknown as { query: Query }).query = (text, values, callback) => {
      if (typeof text !== 'string' || !Array.isArray(values) || callback !== undefined || retired.has(text)) {
        return query(text, values, callback);
      }
      const name = names.nameFor(text, values.length);
      if (name === undefined) return query(text, values);
      return (query({ name, text, values }) as Promise<QueryResult>).catch((err: unknown) => {
        if (!resultTypeChanged(err)) throw err;
        retired.add(text);
        // Outside a transaction the statement can simply run again, unnamed; inside one the
        // transaction is aborted already and fails as for any error (its retry runs unnamed).
        if (client.getTransactionStatus() !== 'I') throw err;
        return query(text, values);
      });
    };
  });
}
