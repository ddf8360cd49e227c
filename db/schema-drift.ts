import { join } from 'node:path';
import { readDeclaredSchema, type DeclaredColumn, type DeclaredSchema } from './declared-schema';
import { readMigratedSchema, type MigratedColumn, type MigratedSchema } from './migrated-schema';

/** The file whose `Database` interface Kysely is typed with. */
export const SCHEMA_FILE = join(__dirname, 'schema.ts');

/** What node-postgres hands back for each column type (int8 stays a string: see db/connection.ts). */
const SELECT_KIND: Record<string, string> = {
  uuid: 'string',
  text: 'string',
  varchar: 'string',
  bpchar: 'string',
  citext: 'string',
  tsvector: 'string',
  // earthdistance's point type (a domain over cube): node-postgres returns its text form.
  earth: 'string',
  cube: 'string',
  int8: 'string',
  numeric: 'string',
  int2: 'number',
  int4: 'number',
  float4: 'number',
  float8: 'number',
  bool: 'boolean',
  timestamptz: 'Date',
  timestamp: 'Date',
  date: 'Date',
  // Arrays: node-postgres returns a JS array (of Dates for timestamptz[]); schema.ts names the element type.
  _timestamptz: 'object',
  // JSON holds whatever the column's documents are; schema.ts names their shape.
  json: 'json',
  jsonb: 'json',
};

/** Kysely's CamelCasePlugin mapping from SQL names to TypeScript names. */
export const camelCase = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const list = (values: Iterable<string>) => [...values].join(' | ');

function typeDrift(declared: DeclaredColumn, actual: MigratedColumn): string[] {
  const expected = SELECT_KIND[actual.pgType];
  if (!expected) return [`pg type ${actual.pgType} has no TypeScript mapping in db/schema-drift.ts`];
  if (expected === 'json') return [];
  const kinds = [...declared.selectKinds];
  if (kinds.length === 0 || kinds.some((k) => k !== expected))
    return [`selects ${list(kinds) || 'never'}, but ${actual.pgType} reads as ${expected}`];
  if (actual.allowed && declared.literals.join() !== actual.allowed.join()) {
    return [`declares ${declared.literals.length ? list(declared.literals) : 'any string'}, but its CHECK allows ${list(actual.allowed)}`];
  }
  if (!actual.allowed && declared.literals.length) return [`declares ${list(declared.literals)}, but no CHECK (col IN (...)) limits it`];
  return [];
}

function nullDrift(declared: DeclaredColumn, actual: MigratedColumn): string[] {
  const problems: string[] = [];
  if (declared.selectsNull !== actual.nullable)
    problems.push(actual.nullable ? 'is nullable, declared without null' : 'is NOT NULL, declared with null');
  if (declared.insertsNull && !actual.nullable) problems.push('is NOT NULL, but inserts accept null');
  if (declared.updatesNull && !actual.nullable) problems.push('is NOT NULL, but updates accept null');
  return problems;
}

function defaultDrift(declared: DeclaredColumn, actual: MigratedColumn): string[] {
  if (actual.generatedAlways) {
    return declared.insertNever && declared.updateNever ? [] : ['is GENERATED ALWAYS, but inserts or updates may set it'];
  }
  if (declared.insertNever) return actual.hasDefault ? [] : ['has no default, but inserts may not set it'];
  if (actual.nullable) return [];
  if (!actual.hasDefault && declared.insertOptional) return ['is NOT NULL without a default, but inserts may leave it out'];
  if (actual.hasDefault && !declared.insertOptional)
    return ['has a default, but inserts must set it (use Generated<> or an insert type with undefined)'];
  return [];
}

function columnDrift(declared: DeclaredColumn, actual: MigratedColumn): string[] {
  return [...typeDrift(declared, actual), ...nullDrift(declared, actual), ...defaultDrift(declared, actual)];
}

function tableDrift(name: string, declared: Map<string, DeclaredColumn>, actual: Map<string, MigratedColumn>): string[] {
  const problems: string[] = [];
  const actualByCamel = new Map([...actual].map(([column, info]) => [camelCase(column), { column, info }]));
  for (const [camel, { column, info }] of actualByCamel) {
    const declaredColumn = declared.get(camel);
    if (!declaredColumn) problems.push(`${name}.${column}: in the database, missing from schema.ts (${camel})`);
    else problems.push(...columnDrift(declaredColumn, info).map((p) => `${name}.${column}: ${p}`));
  }
  for (const camel of declared.keys()) {
    if (!actualByCamel.has(camel)) problems.push(`${name}.${camel}: declared in schema.ts, not in the database`);
  }
  return problems;
}

/** Every difference between the declared and the migrated schema, one line each; empty when they agree. */
export function compareSchemas(declared: DeclaredSchema, actual: MigratedSchema): string[] {
  const problems: string[] = [];
  const actualByCamel = new Map([...actual].map(([table, columns]) => [camelCase(table), { table, columns }]));
  for (const [camel, { table, columns }] of actualByCamel) {
    const declaredTable = declared.get(camel);
    if (!declaredTable) problems.push(`${table}: in the database, missing from Database in schema.ts (${camel})`);
    else problems.push(...tableDrift(table, declaredTable, columns));
  }
  for (const camel of declared.keys()) {
    if (!actualByCamel.has(camel)) problems.push(`${camel}: declared in Database in schema.ts, not in the database`);
  }
  return problems;
}

/** Compares db/schema.ts with the migrated database at `connectionString`. */
export async function findSchemaDrift(connectionString: string, schemaFile = SCHEMA_FILE): Promise<string[]> {
  const actual = await readMigratedSchema(connectionString);
  return compareSchemas(readDeclaredSchema(schemaFile), actual);
}
