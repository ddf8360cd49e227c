import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'));
}

/**
 * `npm run build` compiles what the production image runs, and nothing else: no Stripe stand-in,
 * no development entry point, no test code. Built here with the build script's config into a
 * temporary directory (the checkout's dist/ is left alone); `--noCheck` because which files are
 * emitted does not depend on type checking (`npm run typecheck` does that), and it is 3× faster.
 */
describe('production build output', () => {
  let out: string;
  let files: string[];

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'biddt-build-'));
    await run(process.execPath, [TSC, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out, '--sourceMap', 'false', '--noCheck'], { cwd: ROOT });
    files = listFiles(out);
    // ~10 s of CPU; the margin is for a machine busy with the rest of the suite.
  }, 180_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('holds the entry points of the four roles', () => {
    expect(files).toEqual(expect.arrayContaining(['src/main.js', 'realtime/main.js', 'workers/main.js', 'db/migrate-cli.js']));
  });

  it('holds neither the stand-in, src/dev, the reference model nor any test code', () => {
    const forbidden = files.filter(
      (f) =>
        /^(tools|test|bench|scripts)\//.test(f) ||
        f.startsWith('src/dev/') ||
        /stripe-standin|reference-model|\.test(-support)?\.js$|\.test\.d\.ts$/.test(f),
    );
    expect(forbidden).toEqual([]);
  });

  it('has no compiled file that loads the stand-in or the development entry point', () => {
    const loaders = files
      .filter((f) => f.endsWith('.js'))
      .filter((f) => /stripe-standin|startStripeStandIn|\/dev\/(start|local-services)/.test(readFileSync(join(out, f), 'utf8')));
    expect(loaders).toEqual([]);
  });
});
