// npm records a package's optional platform binaries in package-lock.json only when the registry
// serves them. The registry mirror reachable here lacks some (e.g. darwin builds of @swc/core), and
// `npm ci` then refuses the lock as "out of sync". This adds a marker entry for each missing optional
// binary, flagged for an OS that never matches, so `npm ci` accepts the lock and installs nothing
// extra. Run after every `npm install` that changes dependencies: `node scripts/lock-platform-stubs.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const candidates = [`${path ? path + '/' : ''}node_modules/${name}`, `node_modules/${name}`];
    if (candidates.some((c) => packages[c])) continue;
    packages[`node_modules/${name}`] = {
      version: version.replace(/^[^\d]*/, ''),
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: ['unavailable-in-registry'],
    };
    added += 1;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(`lock-platform-stubs: ${added} entries added`);
