import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { supervise } from '../../support/worker-process';

const ROOT = join(__dirname, '..', '..', '..');

/** A real Node process of ours (api, workers) that a scenario can SIGKILL or stop. */
export interface NodeProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  exited: Promise<number | string | null>;
  alive(): boolean;
  /** The last 20 kB it wrote to stderr, for failure messages. */
  stderr(): string;
  kill(): Promise<void>;
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `node <entry>` (compiled JavaScript: see compileForFaults) from the checkout root — node itself,
 * so the pid is the process; tsx would compile on every start, seconds each time on a busy machine.
 */
export function spawnNode(name: string, entry: string, env: NodeJS.ProcessEnv): NodeProcess {
  const child = spawn(process.execPath, [entry], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  return { name, ...supervise(child) };
}

/** Polls `probe` until it returns something truthy; throws with `what` (and `why()`) after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  why?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err; // a dependency being restarted: keep polling
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not within ${timeoutMs} ms${lastError ? ` (last error: ${String(lastError)})` : ''}${why ? `\n${why()}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
