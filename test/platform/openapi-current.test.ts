import { existsSync, readFileSync } from 'node:fs';
import { OPENAPI_PATH, renderOpenApi } from '../../openapi/generate';

// The committed document is what client developers read: it must match the routes as declared.
describe('openapi/openapi.json', () => {
  it('is current with the route declarations', () => {
    const rendered = renderOpenApi();
    const committed = existsSync(OPENAPI_PATH) ? readFileSync(OPENAPI_PATH, 'utf8') : '';
    if (committed === rendered) return;
    const [a, b] = [committed.split('\n'), rendered.split('\n')];
    const line = a.findIndex((text, i) => text !== b[i]);
    const where = committed
      ? ` (first difference at line ${(line < 0 ? a.length : line) + 1}: ${JSON.stringify(b[line < 0 ? a.length : line] ?? '')})`
      : '';
    throw new Error(`openapi/openapi.json is ${committed ? 'stale' : 'missing'}${where}: run \`npm run openapi\` and commit the result.`);
  });

  it('is rendered deterministically', () => {
    expect(renderOpenApi()).toBe(renderOpenApi());
  });
});
