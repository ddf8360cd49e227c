import { loadConfigOrExit } from '../src/config/config';
import { createDeps } from '../src/composition';
import { holdSignalsUntilStarted, stopOnSignal } from '../src/process';
import { startWorkersMetrics } from './metrics';
import { startWorkers } from './workers';

/** Workers process: `node dist/workers/main.js`. */
async function main(): Promise<void> {
  holdSignalsUntilStarted();
  const config = loadConfigOrExit();
  const deps = await createDeps(config, 'workers');
  const workers = await startWorkers(deps);
  const metrics = await startWorkersMetrics(deps, workers.workers);
  deps.logger.info({ metrics: `http://${config.host}:${metrics.port}/metrics` }, 'workers running');
  stopOnSignal(deps.logger, [metrics, workers, { stop: () => deps.close() }], config.timing.shutdownTimeoutMs);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
