import { loadConfigOrExit } from './config/config';
import { createDeps } from './composition';
import { holdSignalsUntilStarted, stopOnSignal } from './process';
import { startApi } from './server';

/** API process: `node dist/src/main.js`. */
async function main(): Promise<void> {
  holdSignalsUntilStarted();
  const config = loadConfigOrExit();
  const deps = await createDeps(config, 'api');
  const api = await startApi(deps);
  deps.logger.info({ url: `http://${config.host}:${api.port}` }, 'api listening');
  stopOnSignal(deps.logger, [api, { stop: () => deps.close() }], config.timing.shutdownTimeoutMs);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
