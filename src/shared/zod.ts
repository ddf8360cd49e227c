import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// One import site so every schema can carry OpenAPI metadata (`.openapi('Name')`).
extendZodWithOpenApi(z);

export { z };

/**
 * `schema` or null, for a schema registered as a component (`.openapi('Name')`). `schema.nullable()`
 * would carry the name over to the wrapper, and the generator would then document the component
 * itself as nullable — every route returning it would promise "an object or null". A union keeps the
 * component exact and documents the field as `anyOf: [$ref, null]`.
 */
export const nullableRef = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);
