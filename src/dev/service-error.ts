/**
 * A local service (embedded PostgreSQL, spawned redis-server) that could not start. The message is
 * one line — what failed, why, what to do — and is all a developer needs, so the stack is dropped.
 */
export class LocalServiceError extends Error {
  override readonly name = 'LocalServiceError';

  constructor(message: string) {
    super(message);
    this.stack = message;
  }
}

/** The last meaningful line a failed child printed, for the one-line explanation. */
export function lastLine(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const fatal = lines.filter((line) => /FATAL|ERROR|Warning|error/i.test(line));
  return (fatal.at(-1) ?? lines.at(-1) ?? 'no output').slice(0, 300);
}
