import { Client } from 'pg';

/** One column of the migrated database, from pg_catalog. */
export interface MigratedColumn {
  pgType: string;
  nullable: boolean;
  /** A DEFAULT (including bigserial's nextval) or an identity: inserts may leave it out. */
  hasDefault: boolean;
  /** GENERATED ALWAYS (identity or stored expression): inserts and updates must leave it out. */
  generatedAlways: boolean;
  /** Values allowed by a `CHECK (col IN (...))` constraint, sorted; null when there is none. */
  allowed: string[] | null;
}

export type MigratedSchema = Map<string, Map<string, MigratedColumn>>;

/** Kysely's own bookkeeping tables, not part of the application schema. */
const MIGRATOR_TABLES = ['kysely_migration', 'kysely_migration_lock'];

const COLUMNS = `
  SELECT c.relname AS table, a.attname AS column, t.typname AS pg_type, NOT a.attnotnull AS nullable,
         (a.atthasdef OR a.attidentity <> '') AS has_default,
         (a.attidentity = 'a' OR a.attgenerated <> '') AS generated_always
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
    AND c.relname <> ALL($1)
  ORDER BY c.relname, a.attnum`;

// Single-column CHECK constraints; pg prints `col IN ('a', 'b')` as `col = ANY (ARRAY['a'::text, 'b'::text])`.
const CHECKS = `
  SELECT c.relname AS table, a.attname AS column, pg_get_constraintdef(k.oid) AS definition
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
  WHERE n.nspname = 'public' AND k.contype = 'c' AND cardinality(k.conkey) = 1`;

const IN_LIST = /^CHECK \(\((\w+) = ANY \(ARRAY\[(.+)\]\)\)\)$/;
const TEXT_LITERAL = /'((?:[^']|'')*)'::text/g;

/** The values of a `col IN ('a', 'b')` check, or null for any other kind of check. */
export function parseInListCheck(definition: string): string[] | null {
  const match = IN_LIST.exec(definition);
  if (!match) return null;
  const values = [...match[2].matchAll(TEXT_LITERAL)].map((m) => m[1].replaceAll("''", "'"));
  return values.length ? values.sort() : null;
}

interface ColumnRow {
  table: string;
  column: string;
  pg_type: string;
  nullable: boolean;
  has_default: boolean;
  generated_always: boolean;
}

/** Reads every application table and column of the database at `connectionString`. */
export async function readMigratedSchema(connectionString: string): Promise<MigratedSchema> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    const columns = await client.query<ColumnRow>(COLUMNS, [MIGRATOR_TABLES]);
    const checks = await client.query<{ table: string; column: string; definition: string }>(CHECKS);
    const schema: MigratedSchema = new Map();
    for (const row of columns.rows) {
      const table = schema.get(row.table) ?? new Map<string, MigratedColumn>();
      schema.set(row.table, table);
      const { pg_type: pgType, nullable, has_default: hasDefault, generated_always: generatedAlways } = row;
      table.set(row.column, { pgType, nullable, hasDefault, generatedAlways, allowed: null });
    }
    for (const check of checks.rows) {
      const allowed = parseInListCheck(check.definition);
      const column = schema.get(check.table)?.get(check.column);
      if (allowed && column) column.allowed = allowed;
    }
    return schema;
  } finally {
    await client.end();
  }
}
