import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import openapiDocument from '../../openapi/openapi.json';

/**
 * Response validation against openapi/openapi.json: given method, path template, status and body,
 * checks the body against the documented schema for that route and status (the status's own entry,
 * else the `default` problem). OpenAPI 3.1 schemas are JSON Schema 2020-12, so Ajv's 2020 dialect reads
 * them as they are; the whole document is registered once so `#/components/schemas/…` refs resolve.
 */
const DOC_ID = 'https://biddt.local/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface MediaType {
  schema?: unknown;
}
interface ResponseObject {
  description: string;
  content?: Record<string, MediaType>;
}
interface OpenApiDoc {
  info: { version: string };
  paths: Record<string, Partial<Record<(typeof METHODS)[number], { responses: Record<string, ResponseObject> }>>>;
  components: Record<string, unknown>;
}

export interface DocumentedResponse {
  method: string;
  path: string;
  status: string;
}

export type ContractResult = { ok: true; schemaRef: string | null } | { ok: false; errors: string[] };

let loaded: { doc: OpenApiDoc; ajv: Ajv2020; compiled: Map<string, ValidateFunction> } | undefined;

function contract() {
  if (loaded) return loaded;
  const doc = openapiDocument as unknown as OpenApiDoc;
  // strict: false — the document carries OpenAPI keywords (paths, info, description…) beside the schemas.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: DOC_ID });
  loaded = { doc, ajv, compiled: new Map() };
  return loaded;
}

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

const mediaTypeOf = (contentType: string | undefined) => contentType?.split(';')[0].trim().toLowerCase();

/**
 * Validates one answer. `path` is the OpenAPI template (`/v1/listings/{id}`); `contentType` the
 * answer's header, used to pick the documented media type (and checked against it).
 */
export function validateResponse(method: string, path: string, status: number, body: unknown, contentType?: string): ContractResult {
  const op = contract().doc.paths[path]?.[method.toLowerCase() as (typeof METHODS)[number]];
  if (!op) return { ok: false, errors: [`${method.toUpperCase()} ${path} is not in the OpenAPI document`] };
  const own = op.responses[String(status)];
  const key = own ? String(status) : 'default';
  const response = own ?? op.responses.default;
  const where = `${method.toUpperCase()} ${path} → ${status}`;
  if (!response) return { ok: false, errors: [`${where}: status not documented`] };
  if (!own && status < 400) return { ok: false, errors: [`${where}: success status not documented (only the default problem applies)`] };
  const media = Object.keys(response.content ?? {});
  if (media.length === 0) {
    const empty = body === undefined || body === null || body === '' || (typeof body === 'object' && Object.keys(body).length === 0);
    return empty
      ? { ok: true, schemaRef: null }
      : { ok: false, errors: [`${where}: documented without a body, got ${JSON.stringify(body).slice(0, 200)}`] };
  }
  const actual = mediaTypeOf(contentType);
  const chosen = actual && media.includes(actual) ? actual : media[0];
  if (actual && !media.includes(actual)) return { ok: false, errors: [`${where}: content-type ${actual}, documented ${media.join(', ')}`] };
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

const exercised = new Set<string>();
/** The (METHOD path status) triples validated so far in this process. */
export const exercisedResponses = (): string[] => [...exercised].sort();
