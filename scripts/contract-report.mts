/**
 * Lists every documented (route, status) pair of openapi/openapi.json. Given files of exercised pairs
 * (JSON arrays of "METHOD /path/{template} status", as `exercisedResponses()` in test/support/contract.ts
 * returns them), marks each pair and ends with the ones no test exercised.
 *   npx tsx scripts/contract-report.mts [exercised.json…]
 */
import { readFileSync } from 'node:fs';
import { documentedResponses } from '../test/support/contract.js';

const exercised = new Set<string>();
for (const file of process.argv.slice(2)) for (const key of JSON.parse(readFileSync(file, 'utf8')) as string[]) exercised.add(key);

const rows = documentedResponses().map((r) => ({ ...r, key: `${r.method} ${r.path} ${r.status}` }));
const marking = exercised.size > 0;
for (const r of rows)
  console.log(`${marking ? (exercised.has(r.key) ? '✓ ' : '✗ ') : ''}${r.method.padEnd(6)} ${r.path.padEnd(48)} ${r.status}`);
const missing = rows.filter((r) => !exercised.has(r.key));
console.log(
  `\n${rows.length} documented (route, status) pairs${marking ? `; ${rows.length - missing.length} exercised, ${missing.length} not` : ''}`,
);
