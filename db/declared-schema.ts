import { join } from 'node:path';
import ts from 'typescript';

/** What one column's TypeScript declaration promises, as Kysely reads it (SelectType/InsertType/UpdateType). */
export interface DeclaredColumn {
  /** Kinds of the non-null select type: string, number, boolean, Date, object, unknown, or a string literal. */
  selectKinds: Set<string>;
  /** String literals the select type is limited to (empty when it is not a union of literals). */
  literals: string[];
  selectsNull: boolean;
  insertsNull: boolean;
  updatesNull: boolean;
  /** `undefined` in the insert type: Insertable<> makes the column optional. */
  insertOptional: boolean;
  insertNever: boolean;
  updateNever: boolean;
}

export type DeclaredSchema = Map<string, Map<string, DeclaredColumn>>;

interface Parts {
  select: ts.Type[];
  insert: ts.Type[];
  update: ts.Type[];
}

const members = (type: ts.Type): ts.Type[] => (type.isUnion() ? type.types : [type]);

/** Splits a property type the way Kysely's SelectType/InsertType/UpdateType distribute over unions. */
function columnParts(checker: ts.TypeChecker, type: ts.Type): Parts {
  const parts: Parts = { select: [], insert: [], update: [] };
  for (const member of members(type)) {
    const select = member.getProperty('__select__');
    const insert = member.getProperty('__insert__');
    const update = member.getProperty('__update__');
    if (select && insert && update) {
      parts.select.push(...members(checker.getTypeOfSymbol(select)));
      parts.insert.push(...members(checker.getTypeOfSymbol(insert)));
      parts.update.push(...members(checker.getTypeOfSymbol(update)));
    } else {
      parts.select.push(member);
      parts.insert.push(member);
      parts.update.push(member);
    }
  }
  return parts;
}

function kindOf(checker: ts.TypeChecker, type: ts.Type): string {
  const f = type.flags;
  if (f & ts.TypeFlags.StringLiteral) return `'${(type as ts.StringLiteralType).value}'`;
  if (f & ts.TypeFlags.StringLike) return 'string';
  if (f & ts.TypeFlags.NumberLike) return 'number';
  if (f & ts.TypeFlags.BooleanLike) return 'boolean';
  if (f & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) return 'unknown';
  if (type.getSymbol()?.getName() === 'Date') return 'Date';
  if (f & ts.TypeFlags.Object) return 'object';
  return checker.typeToString(type);
}

const has = (types: ts.Type[], flag: ts.TypeFlags) => types.some((t) => (t.flags & flag) !== 0);
// `unknown | null` collapses to `unknown`, so an unknown select type is taken to admit null.
const admitsNull = (types: ts.Type[]) => has(types, ts.TypeFlags.Null | ts.TypeFlags.Unknown | ts.TypeFlags.Any);
const isNever = (types: ts.Type[]) => types.length === 0 || types.every((t) => (t.flags & ts.TypeFlags.Never) !== 0);

function describeColumn(checker: ts.TypeChecker, type: ts.Type): DeclaredColumn {
  const { select, insert, update } = columnParts(checker, type);
  const nonNull = select.filter((t) => !(t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)));
  const kinds = nonNull.map((t) => kindOf(checker, t));
  const literals = kinds.every((k) => k.startsWith("'")) ? kinds.map((k) => k.slice(1, -1)).sort() : [];
  return {
    selectKinds: new Set(kinds.map((k) => (k.startsWith("'") ? 'string' : k))),
    literals,
    selectsNull: admitsNull(select),
    insertsNull: admitsNull(insert),
    updatesNull: admitsNull(update),
    insertOptional: has(insert, ts.TypeFlags.Undefined | ts.TypeFlags.Unknown | ts.TypeFlags.Any),
    insertNever: isNever(insert),
    updateNever: isNever(update),
  };
}

/** The project's compiler options, so the schema resolves imports the way `npm run typecheck` does. */
const PROJECT_CONFIG = join(__dirname, '..', 'tsconfig.json');

function loadProgram(schemaFile: string): ts.Program {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    PROJECT_CONFIG,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  // Null must survive type checking, whatever the project config says.
  const options = { ...(parsed?.options ?? {}), strict: true, noEmit: true, types: [] };
  return ts.createProgram([schemaFile], options);
}

/** Reads the `Database` interface of a schema file: table name → column name → what it declares. */
export function readDeclaredSchema(schemaFile: string): DeclaredSchema {
  const program = loadProgram(schemaFile);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(schemaFile);
  const database = source?.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'Database');
  if (!database) throw new Error(`${schemaFile} declares no Database interface`);
  const schema: DeclaredSchema = new Map();
  for (const table of checker.getTypeAtLocation(database).getProperties()) {
    const columns = new Map<string, DeclaredColumn>();
    for (const column of checker.getTypeOfSymbol(table).getProperties()) {
      columns.set(column.getName(), describeColumn(checker, checker.getTypeOfSymbol(column)));
    }
    schema.set(table.getName(), columns);
  }
  return schema;
}
