import { sql, type RawBuilder } from 'kysely';
import type { BulkColumnType } from './bulk-insert';

/**
 * `= any($1::type[])`, for `.where(column, '=', anyOf(values, type))`: a list compared as one array
 * parameter. `in ($1, $2, …)` takes a parameter per element, so its text changes with the list's
 * length: PostgreSQL parses and plans it anew each time and it is never prepared (db/prepared.ts),
 * and Kysely builds and compiles a node per element. An empty list matches nothing (no special case).
 */
export function anyOf<T>(values: readonly T[], type: BulkColumnType): RawBuilder<T> {
  return sql<T>`any(${values}::${sql.raw(type)}[])`;
}
