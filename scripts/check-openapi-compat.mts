/**
 * CI: fails when openapi/openapi.json breaks existing clients compared with the base document, unless
 * info.version announces it (major changed; below 1.0 a minor bump) — rules in openapi/compat.ts and
 * CHANGELOG.md. Base: $OPENAPI_BASE_REF, else the merge base with origin/main when that exists and is
 * not HEAD, else HEAD~1. No base (a one-commit clone, or the document is new) → skipped with a message.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCompatibility } from '../openapi/compat.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FILE = 'openapi/openapi.json';

const git = (...args: string[]): string | null => {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};

function baseRef(): string | null {
  if (process.env.OPENAPI_BASE_REF) return process.env.OPENAPI_BASE_REF;
  const head = git('rev-parse', 'HEAD');
  const mergeBase = git('rev-parse', '--verify', '-q', 'origin/main') ? git('merge-base', 'HEAD', 'origin/main') : null;
  if (mergeBase && mergeBase !== head) return mergeBase;
  return git('rev-parse', '--verify', '-q', 'HEAD~1') ? 'HEAD~1' : null;
}

const ref = baseRef();
const baseText = ref ? git('show', `${ref}:${FILE}`) : null;
if (!ref || baseText === null) {
  console.log(`openapi compat: no base document (${ref ? `${FILE} not in ${ref}` : 'no earlier commit'}) — skipped`);
  process.exit(0);
}
const verdict = checkCompatibility(JSON.parse(baseText), JSON.parse(readFileSync(join(ROOT, FILE), 'utf8')));
const versions = `${verdict.baseVersion} → ${verdict.headVersion}`;
if (verdict.breaking.length === 0) {
  console.log(`openapi compat: no breaking change against ${ref} (version ${versions})`);
} else if (verdict.ok) {
  console.log(`openapi compat: ${verdict.breaking.length} breaking change(s) against ${ref}, announced by version ${versions}:`);
  for (const line of verdict.breaking) console.log(`  - ${line}`);
} else {
  console.error(`openapi compat: ${verdict.breaking.length} breaking change(s) against ${ref} without a version bump (${versions}):`);
  for (const line of verdict.breaking) console.error(`  - ${line}`);
  console.error(
    'Bump info.version (API_VERSION in src/http/openapi.ts): the major, or the minor below 1.0; then `npm run openapi` and a CHANGELOG.md entry.',
  );
  process.exit(1);
}
