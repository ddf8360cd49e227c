import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
// What tsconfig.build.json compiles into dist/.
const SOURCE_DIRS = ['src', 'realtime', 'workers', 'db'];

async function sourcesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return sourcesUnder(path);
      return Promise.resolve(e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [path] : []);
    }),
  );
  return nested.flat();
}

/**
 * The compiled entry points (`node dist/…`) as `npm run build` lays them out, under `.data/` of the
 * checkout so `node_modules` resolves. Transpiled file by file (the sources use isolatedModules):
 * the type check is `npm run typecheck`'s job, and a full `tsc` build takes minutes on a busy machine.
 */
export async function compileEntryPoints(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = join(ROOT, '.data', `dist-test-${process.pid}-${Date.now()}`);
  const files = (await Promise.all(SOURCE_DIRS.map((d) => sourcesUnder(join(ROOT, d))))).flat();
  for (const file of files) {
    const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const out = join(dir, relative(ROOT, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, outputText);
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
