import { loadConfigOrExit } from '../src/config/config';
import { createDeps } from '../src/composition';
import { holdSignalsUntilStarted, stopOnSignal } from '../src/process';
import { startRealtime } from './io';

/** Realtime process: `node dist/realtime/main.js`. */
async function main(): Promise<void> {
  holdSignalsUntilStarted();
  const config = loadConfigOrExit();
  const deps = await createDeps(config, 'realtime');
  const realtime = await startRealtime(deps);
  deps.logger.info({ url: `http://${config.host}:${realtime.port}` }, 'realtime listening');
  stopOnSignal(deps.logger, [realtime, { stop: () => deps.close() }], config.timing.shutdownTimeoutMs);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
