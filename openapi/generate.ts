import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../src/http/openapi';
import { allRoutes } from '../src/routes';

/** `npm run openapi`: regenerates openapi/openapi.json from the route declarations. */
export const OPENAPI_PATH = join(__dirname, 'openapi.json');

export function renderOpenApi(): string {
  return `${JSON.stringify(buildOpenApiDocument(allRoutes), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(OPENAPI_PATH, renderOpenApi());
  console.log(`wrote ${OPENAPI_PATH}`);
}
