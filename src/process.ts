import type { Logger } from './shared/logger';

export interface Stoppable {
  stop(): Promise<void>;
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
}
