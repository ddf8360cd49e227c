import { loadConfigOrExit } from '../src/config/config';
import { createDeps } from '../src/composition';
import { holdSignalsUntilStarted, stopOnSignal } from '../src/process';
import { startWorkers } from './workers';

/** Workers process: `node dist/workers/main.js`. */
async function main(): Promise<void> {
  holdSignalsUntilStarted();
  const config = loadConfigOrExit();
  const deps = await createDeps(config, 'workers');
  const workers = await startWorkers(deps);
  deps.logger.info('workers running');
  stopOnSignal(deps.logger, [workers, { stop: () => deps.close() }], config.timing.shutdownTimeoutMs);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
