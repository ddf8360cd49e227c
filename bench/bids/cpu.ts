import { readFileSync } from 'node:fs';
import { Client } from 'pg';

/**
 * CPU time of whole processes from /proc (utime + stime, in clock ticks of 10 ms), so the cost of a
 * bid can be summed over every process on its path — a figure that other load on a shared host
 * distorts far less than latency.
 */
const TICK_MS = 10;

/** utime + stime of one process in ms (0 if it is gone). */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may contain spaces and is wrapped in parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** PostgreSQL backends serving one database (the pools of the processes under test). */
export async function backendPids(adminUrl: string, database: string): Promise<number[]> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    return rows.map((r) => r.pid);
  } finally {
    await c.end();
  }
}

export type CpuGroups = Record<string, number[]>;

/** A snapshot of CPU ms per group of pids. */
export function snapshot(groups: CpuGroups): Record<string, Map<number, number>> {
  return Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, new Map(pids.map((p) => [p, cpuMsOf(p)]))]));
}

/** CPU ms used per group between two snapshots (a pid seen only at the end counts from 0). */
export function cpuDelta(before: Record<string, Map<number, number>>, after: Record<string, Map<number, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pids] of Object.entries(after)) {
    let sum = 0;
    for (const [pid, ms] of pids) sum += ms - (before[name]?.get(pid) ?? 0);
    out[name] = sum;
  }
  return out;
}
