/**
 * Breaking-change detection between two versions of the OpenAPI document (scripts/check-openapi-compat.mts).
 * Breaking for an existing client: a removed path, operation or documented response status; a response
 * property removed (or renamed), no longer required, or of another type; a new required request property
 * or parameter; a request enum that lost values; a request field that accepts fewer types.
 */

type Json = Record<string, unknown>;
interface Doc {
  info?: { version?: string };
  paths?: Record<string, Record<string, Json>>;
  components?: { schemas?: Record<string, Json> };
}
type Side = 'request' | 'response';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

const asObject = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

function resolve(doc: Doc, schema: unknown): Json | undefined {
  let s = asObject(schema);
  for (let hops = 0; s && typeof s.$ref === 'string' && hops < 20; hops += 1) {
    const name = s.$ref.replace('#/components/schemas/', '');
    s = asObject(doc.components?.schemas?.[name]);
  }
  return s ? unwrapNullable(doc, s) : s;
}

/**
 * `anyOf: [X, {type: 'null'}]` (how a nullable field that refers to a component is written) read as X
 * with `null` added to its types, so it compares like the inline `type: [object, null]` it replaces.
 */
function unwrapNullable(doc: Doc, s: Json): Json {
  const parts = Array.isArray(s.anyOf) ? (s.anyOf as unknown[]) : undefined;
  if (!parts || parts.length !== 2) return s;
  const isNull = (p: unknown) => asObject(p)?.type === 'null';
  const other = parts.find((p) => !isNull(p));
  if (!parts.some(isNull) || !other) return s;
  const inner = resolve(doc, other);
  if (!inner) return s;
  const types = typeof inner.type === 'string' ? [inner.type] : Array.isArray(inner.type) ? (inner.type as string[]) : undefined;
  return types ? { ...inner, type: [...new Set([...types, 'null'])] } : inner;
}

/** Properties and required names of an object schema, allOf parts merged. */
function shape(doc: Doc, schema: Json): { props: Record<string, unknown>; required: Set<string> } {
  const props: Record<string, unknown> = { ...(asObject(schema.properties) ?? {}) };
  const required = new Set<string>(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  for (const part of Array.isArray(schema.allOf) ? schema.allOf : []) {
    const sub = resolve(doc, part);
    if (!sub) continue;
    const inner = shape(doc, sub);
    Object.assign(props, inner.props);
    for (const r of inner.required) required.add(r);
  }
  return { props, required };
}

const typesOf = (s: Json): Set<string> | undefined => {
  if (typeof s.type === 'string') return new Set([s.type]);
  if (Array.isArray(s.type)) return new Set(s.type as string[]);
  return undefined;
};
const missingFrom = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x));

/** Compares one schema pair; `side` decides which direction of change breaks a client. */
function compareSchemas(base: Doc, head: Doc, a: unknown, b: unknown, side: Side, where: string, out: string[], seen: Set<string>): void {
  const sa = resolve(base, a);
  const sb = resolve(head, b);
  if (!sa || !sb) return;
  const key = `${where}|${JSON.stringify(a)}|${JSON.stringify(b)}`;
  if (seen.has(key)) return;
  seen.add(key);

  const ta = typesOf(sa);
  const tb = typesOf(sb);
  if (ta && tb) {
    // A response may narrow its types (clients handle fewer), a request may widen them (the server accepts more).
    const lost = side === 'response' ? missingFrom(tb, ta) : missingFrom(ta, tb);
    if (lost.length) out.push(`${where}: type changed from ${[...ta].join('|')} to ${[...tb].join('|')}`);
  }
  if (side === 'request' && Array.isArray(sa.enum) && Array.isArray(sb.enum)) {
    const dropped = (sa.enum as unknown[]).filter((v) => !(sb.enum as unknown[]).includes(v));
    if (dropped.length) out.push(`${where}: enum narrowed (no longer accepts ${dropped.map((v) => JSON.stringify(v)).join(', ')})`);
  }
  if (sa.items !== undefined && sb.items !== undefined) compareSchemas(base, head, sa.items, sb.items, side, `${where}[]`, out, seen);

  const A = shape(base, sa);
  const B = shape(head, sb);
  for (const [name, prop] of Object.entries(A.props)) {
    const at = `${where}.${name}`;
    if (side === 'response') {
      if (!(name in B.props)) out.push(`${at}: response property removed`);
      else if (A.required.has(name) && !B.required.has(name)) out.push(`${at}: response property no longer required`);
    }
    if (name in B.props) compareSchemas(base, head, prop, B.props[name], side, at, out, seen);
  }
  if (side === 'request') {
    for (const name of B.required) if (!A.required.has(name)) out.push(`${where}.${name}: new required request property`);
  }
}

const jsonSchemaOf = (content: unknown): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [media, value] of Object.entries(asObject(content) ?? {})) out[media] = asObject(value)?.schema;
  return out;
};

function compareOperation(base: Doc, head: Doc, opA: Json, opB: Json, where: string, out: string[]): void {
  const seen = new Set<string>();
  const params = (op: Json) =>
    new Map(((op.parameters as Json[] | undefined) ?? []).map((p) => [`${p.in}:${String(p.name).toLowerCase()}`, p]));
  const pa = params(opA);
  for (const [id, p] of params(opB)) {
    const before = pa.get(id);
    if (p.required === true && before?.required !== true) out.push(`${where} parameter ${id}: new required parameter`);
    if (before) compareSchemas(base, head, before.schema, p.schema, 'request', `${where} parameter ${id}`, out, seen);
  }
  const bodyA = jsonSchemaOf(asObject(opA.requestBody)?.content);
  const bodyB = jsonSchemaOf(asObject(opB.requestBody)?.content);
  if (!asObject(opA.requestBody)?.required && asObject(opB.requestBody)?.required) out.push(`${where} request body: now required`);
  for (const [media, schema] of Object.entries(bodyB)) {
    if (media in bodyA) compareSchemas(base, head, bodyA[media], schema, 'request', `${where} body`, out, seen);
  }
  const responsesA = asObject(opA.responses) ?? {};
  const responsesB = asObject(opB.responses) ?? {};
  for (const [status, ra] of Object.entries(responsesA)) {
    const rb = responsesB[status];
    if (rb === undefined) {
      out.push(`${where} → ${status}: response status removed`);
      continue;
    }
    const ca = jsonSchemaOf(asObject(ra)?.content);
    const cb = jsonSchemaOf(asObject(rb)?.content);
    for (const [media, schema] of Object.entries(ca)) {
      if (!(media in cb)) out.push(`${where} → ${status}: ${media} body removed`);
      else compareSchemas(base, head, schema, cb[media], 'response', `${where} → ${status}`, out, seen);
    }
  }
}

/** Every breaking change from `base` to `head`, one line each. */
export function breakingChanges(base: Doc, head: Doc): string[] {
  const out: string[] = [];
  for (const [path, itemA] of Object.entries(base.paths ?? {})) {
    const itemB = head.paths?.[path];
    if (!itemB) {
      out.push(`${path}: path removed`);
      continue;
    }
    for (const method of METHODS) {
      const opA = asObject(itemA[method]);
      if (!opA) continue;
      const opB = asObject(itemB[method]);
      if (!opB) out.push(`${method.toUpperCase()} ${path}: operation removed`);
      else compareOperation(base, head, opA, opB, `${method.toUpperCase()} ${path}`, out);
    }
  }
  return out;
}

const parseVersion = (v: string | undefined): [number, number, number] | null => {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
};

/**
 * Whether the version change announces breaking changes: the major changed, or — below 1.0, where
 * semver lets a minor release break — the minor went up.
 */
export function versionAllowsBreaking(baseVersion: string | undefined, headVersion: string | undefined): boolean {
  const a = parseVersion(baseVersion);
  const b = parseVersion(headVersion);
  if (!a || !b) return false;
  if (a[0] !== b[0]) return true;
  return a[0] === 0 && b[1] > a[1];
}

export interface CompatVerdict {
  ok: boolean;
  breaking: string[];
  baseVersion: string | undefined;
  headVersion: string | undefined;
}

export function checkCompatibility(base: Doc, head: Doc): CompatVerdict {
  const breaking = breakingChanges(base, head);
  const baseVersion = base.info?.version;
  const headVersion = head.info?.version;
  return { ok: breaking.length === 0 || versionAllowsBreaking(baseVersion, headVersion), breaking, baseVersion, headVersion };
}
