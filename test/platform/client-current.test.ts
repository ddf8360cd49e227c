import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// The typed client's generated files must match openapi/openapi.json, as the document must match the routes.
describe('clients/typescript generated files', () => {
  it('are current with openapi/openapi.json', () => {
    const root = join(__dirname, '..', '..');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generate-client.mts', '--check'], { cwd: root, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr || run.stdout || `exit ${run.status}`);
    expect(run.stdout).toMatch(/current/);
  });
});
