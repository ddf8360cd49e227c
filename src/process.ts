import type { Logger } from './shared/logger';

export interface Stoppable {
  stop(): Promise<void>;
}

const STARTUP_GRACE_MS = 10_000;
let heldSignal: NodeJS.Signals | undefined;
let startupTimer: NodeJS.Timeout | undefined;
const holdSignal = (signal: NodeJS.Signals) => {
  if (heldSignal) process.exit(1); // a second signal while starting: give up at once
  heldSignal = signal;
  // A start-up that hangs (a backend unreachable) must not make the signal wait forever.
  startupTimer = setTimeout(() => process.exit(1), STARTUP_GRACE_MS);
  startupTimer.unref();
};

/**
 * Call first in a process's main: a SIGTERM that arrives while it starts (workers may already hold
 * jobs) is honoured gracefully by `stopOnSignal` once start-up is done, instead of killing it mid-way.
 */
export function holdSignalsUntilStarted(): void {
  process.on('SIGTERM', holdSignal);
  process.on('SIGINT', holdSignal);
}

/**
 * Runs until SIGTERM/SIGINT, then stops each part in order (stop accepting, drain, close pools).
 * A second signal, or the timeout, forces the exit.
 */
export function stopOnSignal(logger: Logger, parts: Stoppable[], timeoutMs: number): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs + 5000);
    timer.unref();
    for (const part of parts) {
      try {
        await part.stop();
      } catch (err) {
        logger.error({ err }, 'error while stopping');
      }
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.off('SIGTERM', holdSignal);
  process.off('SIGINT', holdSignal);
  clearTimeout(startupTimer);
  if (heldSignal) void shutdown(heldSignal);
}
