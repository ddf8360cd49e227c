import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The contract coverage report, written once per jest run by global-teardown.ts from what every test
 * file recorded (test/support/contract-hooks.ts): which documented (method, route, status) were never
 * answered in this run, and every contract violation seen. A run of a few files lists most routes as
 * unexercised; set CONTRACT_COVERAGE_MERGE=1 to add this run's exercised pairs to the previous report
 * (how a suite run in chunks builds the whole picture).
 */
export const REPORT_DIR = join(__dirname, '..', '..', 'test-results');
export const REPORT_JSON = join(REPORT_DIR, 'contract-coverage.json');
export const REPORT_MD = join(REPORT_DIR, 'contract-coverage.md');

interface FileRecord {
  testFile?: string;
  documented: string[];
  exercised: string[];
  violations: string[];
}

export interface ContractReport {
  generatedAt: string;
  testFiles: number;
  documented: number;
  exercised: string[];
  unexercised: string[];
  violations: string[];
}

const byRoute = (a: string, b: string) => {
  const [ma, pa, sa] = a.split(' ');
  const [mb, pb, sb] = b.split(' ');
  return pa.localeCompare(pb) || ma.localeCompare(mb) || sa.localeCompare(sb);
};

function readRecords(dir: string): FileRecord[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as FileRecord);
}

function previousExercised(): string[] {
  if (process.env.CONTRACT_COVERAGE_MERGE !== '1' || !existsSync(REPORT_JSON)) return [];
  return (JSON.parse(readFileSync(REPORT_JSON, 'utf8')) as ContractReport).exercised;
}

export function buildReport(records: FileRecord[], earlier: string[] = []): ContractReport {
  // The newest declaration wins: every file built the same document unless routes changed mid-run.
  const documented = new Set(records.flatMap((r) => r.documented));
  const exercised = new Set([...earlier, ...records.flatMap((r) => r.exercised)].filter((p) => documented.has(p)));
  return {
    generatedAt: new Date().toISOString(),
    testFiles: records.length,
    documented: documented.size,
    exercised: [...exercised].sort(byRoute),
    unexercised: [...documented].filter((p) => !exercised.has(p)).sort(byRoute),
    violations: records.flatMap((r) => r.violations.map((v) => `${r.testFile ?? '?'}: ${v}`)),
  };
}

export function renderMarkdown(report: ContractReport): string {
  const lines = [
    '# API contract coverage',
    '',
    `Generated ${report.generatedAt} from ${report.testFiles} test file(s): ${report.exercised.length} of ${report.documented} documented (method, route, status) answered at least once; ${report.unexercised.length} never.`,
    '',
    '## Never exercised',
    '',
    ...report.unexercised.map((p) => `- \`${p}\``),
    '',
    `## Contract violations (${report.violations.length})`,
    '',
    ...report.violations.map((v) => `- ${v.replace(/\n/g, ' ')}`),
    '',
  ];
  return lines.join('\n');
}

/** Collects the per-file records from `dir`, writes test-results/contract-coverage.{json,md}, prints a summary. */
export function writeContractReport(dir: string, say: (line: string) => void): ContractReport | undefined {
  const records = readRecords(dir);
  rmSync(dir, { recursive: true, force: true });
  if (records.length === 0) return undefined;
  const report = buildReport(records, previousExercised());
  mkdirSync(REPORT_DIR, { recursive: true });
  writeFileSync(REPORT_JSON, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(REPORT_MD, renderMarkdown(report));
  say(
    `API contract: ${report.exercised.length}/${report.documented} documented (route, status) exercised, ${report.unexercised.length} not, ` +
      `${report.violations.length} violation(s) — ${REPORT_MD}`,
  );
  return report;
}
