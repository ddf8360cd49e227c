import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from '../shared/zod';
import type { ResponseSpec, RouteDef } from './route';

const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

/**
 * The API document's semantic version (CHANGELOG.md). Below 1.0 a minor bump may break; a breaking
 * change to openapi/openapi.json fails CI unless this moves (scripts/check-openapi-compat.mts).
 */
export const API_VERSION = '0.3.0';

/** `/v1/listings/:id` → `/v1/listings/{id}`. */
const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/**
 * Error answers a route gives by construction, documented for it unless the route declares its own:
 * a path naming a resource answers 404 when it does not exist or is not the caller's to see (SPEC:
 * another user's resource is a 404, not a 403), and a staff route answers 403 `staff_only` to others
 * (the role check in src/http/mount.ts).
 */
function impliedResponses(spec: RouteDef['spec']): Record<number, { description: string }> {
  const implied: Record<number, { description: string }> = {};
  if (spec.path.includes('/:')) implied[404] = { description: 'not_found: no such resource, or not visible to the caller' };
  // A deleted account signing in again within 30 days gets a session that may only restore or export.
  if (spec.auth !== 'none') implied[403] = { description: 'account_deleted: this session may only restore or export the account' };
  if (spec.roles) implied[403] = { description: 'staff_only: the route is for staff; account_deleted as above' };
  return implied;
}

/** Builds the OpenAPI 3.1 document from the declared routes (deterministic: committed and diffed). */
export function buildOpenApiDocument(routes: RouteDef[]) {
  const registry = new OpenAPIRegistry();
  registry.register('Problem', ProblemSchema);
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const { spec } of routes) {
    const responses = Object.fromEntries(
      Object.entries({ ...impliedResponses(spec), ...spec.responses }).map(([status, r]: [string, ResponseSpec]) => [
        status,
        {
          description: r.description,
          ...(r.schema
            ? {
                content: {
                  [r.contentType ?? 'application/json']: { schema: r.schema },
                  ...Object.fromEntries(Object.entries(r.alternatives ?? {}).map(([media, schema]) => [media, { schema }])),
                },
              }
            : {}),
          // An error status declared without a schema is still a problem document: say so, so clients
          // (and the contract check) read its body as one.
          ...(!r.schema && Number(status) >= 400 ? { content: { 'application/problem+json': { schema: ProblemSchema } } } : {}),
        },
      ]),
    );
    registry.registerPath({
      method: spec.method,
      path: toOpenApiPath(spec.path),
      summary: spec.summary,
      tags: spec.tags,
      ...(spec.auth === 'none' ? {} : { security: [{ [bearer.name]: [] }] }),
      request: {
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.query ? { query: spec.query } : {}),
        ...(spec.body ? { body: { content: { [spec.bodyContentType ?? 'application/json']: { schema: spec.body } } } } : {}),
        ...(spec.idempotent || spec.idempotencyHeader ? { headers: z.object({ 'idempotency-key': z.string().max(200).optional() }) } : {}),
      },
      responses: {
        ...responses,
        default: { description: 'RFC 9457 problem', content: { 'application/problem+json': { schema: ProblemSchema } } },
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Biddt API', version: API_VERSION, description: 'Real-time auction marketplace. Amounts are integer cents (CAD).' },
    servers: [{ url: '/' }],
  });
}
