import { sql, type InsertQueryBuilder, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './schema';

/** PostgreSQL types a bulk-inserted column can carry (each becomes one array parameter). */
export type BulkColumnType = 'uuid' | 'text' | 'jsonb' | 'integer' | 'bigint' | 'boolean' | 'timestamptz';

/** A column of a bulk insert: its type and, optionally, what a null (or absent) value stands for. */
export type BulkColumn = BulkColumnType | { type: BulkColumnType; whenNull: RawBuilder<unknown> };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any table, any returning shape: callers add theirs
type AnyInsert = InsertQueryBuilder<Database, any, any>;

/**
 * `INSERT INTO table (columns) SELECT … FROM unnest($1::type[], $2::type[], …)`: a multi-row insert
 * whose statement has one parameter per column, however many rows it carries. A `VALUES` list of
 * the same rows has one parameter per value: Kysely builds and compiles a node per value (the
 * largest item of a busy second's profile), and its text changes with the row count, so PostgreSQL
 * parses it anew each time and it is never prepared. Rows keep their order (WITH ORDINALITY), so
 * serial ids are taken in the order given, as with `VALUES`.
 *
 * `columns` maps each inserted column (as the table's Kysely name) to its PostgreSQL type; a value
 * that is null or absent is NULL, or `whenNull` where the column has one (a column default).
 */
export function bulkInsert<T extends keyof Database & string>(
  trx: Kysely<Database>,
  table: T,
  columns: Partial<Record<keyof Database[T] & string, BulkColumn>>,
  rows: ReadonlyArray<Partial<Record<keyof Database[T] & string, unknown>>>,
): AnyInsert {
  const names = Object.keys(columns) as Array<keyof Database[T] & string>;
  const specs = names.map((name): { type: BulkColumnType; whenNull?: RawBuilder<unknown> } => {
    const column: BulkColumn = columns[name]!;
    return typeof column === 'string' ? { type: column } : column;
  });
  const arrays = names.map((name, i) => sql`${rows.map((row) => row[name] ?? null)}::${sql.raw(specs[i].type)}[]`);
  const aliases = names.map((_, i) => sql.raw(`c${i}`));
  const selected = specs.map((spec, i) => (spec.whenNull ? sql`coalesce(${aliases[i]}, ${spec.whenNull})` : aliases[i]));
  return trx
    .insertInto(table)
    .columns(names as never)
    .expression(
      sql`SELECT ${sql.join(selected)} FROM unnest(${sql.join(arrays)}) WITH ORDINALITY AS r(${sql.join(aliases)}, n) ORDER BY n`,
    ) as AnyInsert;
}
