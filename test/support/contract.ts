import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument } from '../../src/http/openapi';
import { allRoutes } from '../../src/routes';

/**
 * Response validation against the OpenAPI document: given method, path template, status and body,
 * checks the body against the documented schema for that route and status. OpenAPI 3.1 schemas are
 * JSON Schema 2020-12, so Ajv's 2020 dialect reads them as they are; the whole document is registered
 * once so `#/components/schemas/…` refs resolve.
 *
 * The document is built from the route declarations in this process (what `npm run openapi` writes to
 * openapi/openapi.json, which openapi/compat.test.ts keeps in step), so a route added on a branch is
 * checked against its own declaration even before the committed file is regenerated.
 */
const DOC_ID = 'https://biddt.local/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Method = (typeof METHODS)[number];

/**
 * Error statuses any route may answer without listing them: malformed input (400), a missing or
 * expired token (401), a body too large or of the wrong type (413/415), rate limits (429) and the
 * server's own failures (500/503). They are checked against the `default` problem. Every other status
 * — every success, and 403/404/409/410/422… — must be listed on the route itself.
 */
export const GENERIC_ERROR_STATUSES: ReadonlySet<number> = new Set([400, 401, 413, 415, 429, 500, 503]);

interface MediaType {
  schema?: unknown;
}
interface ResponseObject {
  description: string;
  content?: Record<string, MediaType>;
}
interface OpenApiDoc {
  info: { version: string };
  paths: Record<string, Partial<Record<Method, { responses: Record<string, ResponseObject> }>>>;
  components: Record<string, unknown>;
}

export interface DocumentedResponse {
  method: string;
  path: string;
  status: string;
}

export type ContractResult = { ok: true; schemaRef: string | null } | { ok: false; errors: string[] };

interface RouteMatcher {
  path: string;
  regex: RegExp;
  /** Literal segments first: `/v1/listings/mine` wins over `/v1/listings/{id}`. */
  literals: number;
}

let loaded: { doc: OpenApiDoc; ajv: Ajv2020; compiled: Map<string, ValidateFunction>; matchers: RouteMatcher[] } | undefined;

function contract() {
  if (loaded) return loaded;
  // Through JSON, as a client reads it: zod-to-openapi's objects carry no class instances then.
  const doc = JSON.parse(JSON.stringify(buildOpenApiDocument(allRoutes))) as OpenApiDoc;
  // strict: false — the document carries OpenAPI keywords (paths, info, description…) beside the schemas.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: DOC_ID });
  const matchers = Object.keys(doc.paths)
    .map((path) => {
      const segments = path.split('/').filter(Boolean);
      const pattern = segments.map((s) => (/^\{\w+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/');
      return { path, regex: new RegExp(`^/${pattern}/?$`), literals: segments.filter((s) => !s.startsWith('{')).length };
    })
    .sort((a, b) => b.literals - a.literals);
  loaded = { doc, ajv, compiled: new Map(), matchers };
  return loaded;
}

/** The document the checks run against (built from the route declarations). */
export const openApiDocument = (): OpenApiDoc => contract().doc;

/** JSON Pointer escaping (RFC 6901) for a path like `/v1/listings/{id}`. */
const pointer = (...parts: string[]) => parts.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

function validatorFor(ref: string): ValidateFunction {
  const { ajv, compiled } = contract();
  let fn = compiled.get(ref);
  if (!fn) {
    fn = ajv.compile({ $ref: ref });
    compiled.set(ref, fn);
  }
  return fn;
}

/** Validates `value` against a named component schema (`#/components/schemas/<name>`); the errors, or []. */
export function componentErrors(name: string, value: unknown): string[] {
  if (!(contract().doc.components.schemas as Record<string, unknown> | undefined)?.[name]) return [`no component schema ${name}`];
  const validate = validatorFor(`${DOC_ID}#${pointer('components', 'schemas', name)}`);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${name}${e.instancePath} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

/** Every (method, path, status) the document declares, `default` left out. */
export function documentedResponses(): DocumentedResponse[] {
  const out: DocumentedResponse[] = [];
  for (const [path, item] of Object.entries(contract().doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      for (const status of Object.keys(op.responses)) if (status !== 'default') out.push({ method: method.toUpperCase(), path, status });
    }
  }
  return out;
}

/**
 * The documented path template a concrete path answers to (`/v1/listings/4f…` → `/v1/listings/{id}`),
 * preferring one that declares `method`; undefined when no template matches.
 */
export function routeTemplate(method: string, pathname: string): string | undefined {
  const { doc, matchers } = contract();
  const candidates = matchers.filter((m) => m.regex.test(pathname));
  const withMethod = candidates.find((m) => doc.paths[m.path]?.[method.toLowerCase() as Method]);
  return (withMethod ?? candidates[0])?.path;
}

const mediaTypeOf = (contentType: string | undefined) => contentType?.split(';')[0].trim().toLowerCase();
const isJsonMedia = (media: string | undefined) => media !== undefined && /(^application\/json$|\+json$)/.test(media);

/**
 * Validates one answer. `path` is the OpenAPI template (`/v1/listings/{id}`); `contentType` the
 * answer's header, used to pick the documented media type (and checked against it).
 */
export function validateResponse(method: string, path: string, status: number, body: unknown, contentType?: string): ContractResult {
  const op = contract().doc.paths[path]?.[method.toLowerCase() as Method];
  if (!op) return { ok: false, errors: [`${method.toUpperCase()} ${path} is not in the OpenAPI document`] };
  const own = op.responses[String(status)];
  const key = own ? String(status) : 'default';
  const response = own ?? op.responses.default;
  const where = `${method.toUpperCase()} ${path} → ${status}`;
  if (!response) return { ok: false, errors: [`${where}: status not documented`] };
  if (!own && status < 400) return { ok: false, errors: [`${where}: success status not documented (only the default problem applies)`] };
  if (!own && !GENERIC_ERROR_STATUSES.has(status))
    return { ok: false, errors: [`${where}: error status not documented on the route (only ${[...GENERIC_ERROR_STATUSES].join('/')} fall back to the default problem)`] };
  const media = Object.keys(response.content ?? {});
  const actual = mediaTypeOf(contentType);
  if (media.length === 0) {
    // Documented without a body (a 204, a redirect, a file whose type varies): a JSON body would be undocumented.
    const empty = body === undefined || body === null || body === '' || (typeof body === 'object' && Object.keys(body).length === 0);
    return empty || !isJsonMedia(actual)
      ? { ok: true, schemaRef: null }
      : { ok: false, errors: [`${where}: documented without a body, got ${JSON.stringify(body).slice(0, 200)}`] };
  }
  const chosen = actual && media.includes(actual) ? actual : media[0];
  if (actual && !media.includes(actual)) return { ok: false, errors: [`${where}: content-type ${actual}, documented ${media.join(', ')}`] };
  // A text export (CSV…) is checked for its media type only: its body is not JSON to validate.
  if (!isJsonMedia(chosen)) return { ok: true, schemaRef: null };
  const ref = `${DOC_ID}#${pointer('paths', path, method.toLowerCase(), 'responses', key, 'content', chosen, 'schema')}`;
  const validate = validatorFor(ref);
  if (validate(body)) return { ok: true, schemaRef: ref };
  return {
    ok: false,
    errors: (validate.errors ?? []).map(
      (e) => `${where}: ${e.instancePath || '(body)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    ),
  };
}

/** Throws with every mismatch listed (for tests); records the pair as exercised. */
export function expectResponseMatches(method: string, path: string, status: number, body: unknown, contentType?: string): void {
  exercised.add(`${method.toUpperCase()} ${path} ${status}`);
  const result = validateResponse(method, path, status, body, contentType);
  if (!result.ok) throw new Error(`response does not match the OpenAPI document:\n${result.errors.join('\n')}`);
}

/** Paths served outside the API document on purpose: ops endpoints, the docs, the console, the queue board. */
const OUTSIDE_THE_DOCUMENT = [/^\/$/, /^\/health$/, /^\/ready$/, /^\/metrics$/, /^\/openapi\.json$/, /^\/docs(\/|$)/, /^\/console(\/|$)/, /^\/admin\/queues(\/|$)/];

export interface ObservedAnswer {
  method: string;
  /** The request path (no query string). */
  pathname: string;
  status: number;
  body: unknown;
  contentType?: string;
}

/**
 * The contract check one HTTP answer of ours gets (the shared hook in test/support/contract-hooks.ts
 * runs it on every supertest and fetch answer): the route is found by its template, the exercised
 * (method, route, status) recorded, and a mismatch returned as a message naming route, status and errors.
 */
export function checkAnswer(answer: ObservedAnswer): string | undefined {
  const method = answer.method.toUpperCase();
  const code = (answer.body as { code?: unknown } | undefined)?.code;
  const where = `${method} ${answer.pathname} → ${answer.status}${typeof code === 'string' ? ` (${code})` : ''}`;
  const template = routeTemplate(method, answer.pathname);
  const operation = template && contract().doc.paths[template]?.[method.toLowerCase() as Method];
  if (!template || !operation) {
    if (OUTSIDE_THE_DOCUMENT.some((p) => p.test(answer.pathname))) return undefined;
    // An unknown route or method: the router's 404 problem is the documented behaviour of every API.
    if (answer.status === 404 && mediaTypeOf(answer.contentType) === 'application/problem+json') return undefined;
    return `${where}: ${template ? `method ${method} not documented for ${template}` : 'route not in the OpenAPI document'}`;
  }
  exercised.add(`${method} ${template} ${answer.status}`);
  const result = validateResponse(method, template, answer.status, answer.body, answer.contentType);
  return result.ok ? undefined : `response does not match the OpenAPI document (${where}, route ${template}):\n  ${result.errors.join('\n  ')}`;
}

const exercised = new Set<string>();
/** The (METHOD path status) triples validated so far in this process. */
export const exercisedResponses = (): string[] => [...exercised].sort();
