import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// One import site so every schema can carry OpenAPI metadata (`.openapi('Name')`).
extendZodWithOpenApi(z);

export { z };
