import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envSchema } from './env';

/** Variables read outside the zod schema that `.env.example` must document too. */
const READ_ELSEWHERE = ['EMBEDDED_PG_PORT', 'SEED_DEMO', 'STRIPE_STANDIN_PORT'];
/** Where the example deliberately shows a value other than the schema default (explained in its comment). */
// DEV_STAFF_PHONES: the example shows the development default (the schema has none: unset differs per mode).
// NODE_ENV: the example shows development (what `npm start` uses); unset means production.
const NOT_THE_DEFAULT = ['AUTH_TEST_PHONE_CODES', 'DEV_STAFF_PHONES', 'NODE_ENV'];

const ROOT = join(__dirname, '..', '..');
const EXAMPLE_PATH = join(ROOT, '.env.example');
/** Read by a script but not Biddt configuration, so not in the example. */
// OPENAPI_BASE_REF: the git ref CI compares the OpenAPI document against (scripts/check-openapi-compat.mts).
const NOT_CONFIGURATION = ['OPENAPI_BASE_REF'];

/** Every `${VAR…}` docker-compose.yml interpolates (from the shell or `.env`); `$$VAR` is the container's own. */
function composeVariables(): string[] {
  const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
  return [...new Set([...text.matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]))];
}

/** Every variable the npm scripts under scripts/ read from process.env (`process.env.X`, `process.env['X']`). */
function scriptVariables(): string[] {
  const files = readdirSync(join(ROOT, 'scripts')).filter((f) => /\.m?ts$/.test(f));
  const reads = files.flatMap((f) => [
    ...readFileSync(join(ROOT, 'scripts', f), 'utf8').matchAll(/process\.env(?:\.([A-Z_][A-Z0-9_]*)|\[['"]([A-Z_][A-Z0-9_]*)['"]\])/g),
  ]);
  return [...new Set(reads.map((m) => m[1] ?? m[2]))].filter((name) => !NOT_CONFIGURATION.includes(name));
}

interface Entry {
  name: string;
  value: string;
  comment: string | undefined;
}

/** `KEY=value` lines of the example, each with the comment line right above it. */
function readExample(): Entry[] {
  const lines = readFileSync(EXAMPLE_PATH, 'utf8').split(/\r?\n/);
  const entries: Entry[] = [];
  lines.forEach((line, i) => {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) return;
    const above = lines[i - 1]?.trim();
    entries.push({ name: match[1], value: match[2], comment: above?.startsWith('#') ? above : undefined });
  });
  return entries;
}

interface SchemaNode {
  shape?: unknown;
  in?: unknown;
  _def?: { in?: unknown; schema?: unknown; innerType?: unknown };
}

/** The keys of the object inside envSchema, unwrapping pipes/transforms/effects whatever their nesting. */
function schemaKeys(schema: unknown): string[] {
  let node = schema as SchemaNode | undefined;
  for (let depth = 0; node && depth < 10; depth += 1) {
    if (node.shape && typeof node.shape === 'object') return Object.keys(node.shape);
    node = (node.in ?? node._def?.in ?? node._def?.schema ?? node._def?.innerType) as SchemaNode | undefined;
  }
  throw new Error('could not find the object shape inside envSchema');
}

describe('.env.example', () => {
  const entries = readExample();
  const names = entries.map((e) => e.name);
  const keys = schemaKeys(envSchema);

  it('finds the variables of the env schema', () => {
    expect(keys).toEqual(expect.arrayContaining(['NODE_ENV', 'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET']));
  });

  it('documents every variable of the env schema', () => {
    const missing = keys.filter((k) => !names.includes(k));
    expect(missing).toEqual([]);
  });

  it('documents the variables read outside the schema', () => {
    expect(READ_ELSEWHERE.filter((k) => !names.includes(k))).toEqual([]);
  });

  it('documents every variable docker-compose.yml interpolates (the example is what `.env` is copied from)', () => {
    const compose = composeVariables();
    expect(compose).toEqual(expect.arrayContaining(['POSTGRES_PASSWORD', 'JWT_SECRET']));
    expect(compose.filter((k) => !names.includes(k))).toEqual([]);
  });

  it('documents every variable the scripts read', () => {
    const scripts = scriptVariables();
    expect(scripts).toContain('DATABASE_URL');
    expect(scripts.filter((k) => !names.includes(k))).toEqual([]);
  });

  it('lists nothing the application, its scripts or docker compose do not read, and nothing twice', () => {
    const known = new Set([...keys, ...READ_ELSEWHERE, ...composeVariables(), ...scriptVariables()]);
    expect(names.filter((n) => !known.has(n))).toEqual([]);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('gives every variable a one-line comment that states its default', () => {
    const undocumented = entries.filter((e) => !e.comment || !/default/i.test(e.comment)).map((e) => e.name);
    expect(undocumented).toEqual([]);
  });

  it('holds values the schema accepts, equal to the schema defaults', () => {
    const values = Object.fromEntries(entries.map((e) => [e.name, e.value]));
    const parsed = envSchema.safeParse(values);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
    // Every other default is compared under development: production without secrets does not parse.
    const defaults = envSchema.parse({ NODE_ENV: 'development' }) as Record<string, unknown>;
    const fromExample = (parsed.success ? parsed.data : {}) as Record<string, unknown>;
    const differing = keys.filter((k) => !NOT_THE_DEFAULT.includes(k) && JSON.stringify(fromExample[k]) !== JSON.stringify(defaults[k]));
    expect(differing).toEqual([]);
  });
});
