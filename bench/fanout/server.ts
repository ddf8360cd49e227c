/**
 * Fan-out benchmark: the realtime server under test, as its own process (forked by run.ts). It is the
 * production `startRealtime` on production-shaped deps; it only adds an IPC channel for RSS/CPU.
 */
import { loadConfig } from '../../src/config/config';
import { createDeps } from '../../src/composition';
import { startRealtime } from '../../realtime/io';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const deps = await createDeps(config, 'realtime');
  const realtime = await startRealtime(deps, 0);
  const cpuStart = process.cpuUsage();
  process.on('message', async (msg: { type: string }) => {
    if (msg.type === 'stats') {
      const before = process.memoryUsage();
      (globalThis as { gc?: () => void }).gc?.();
      const after = process.memoryUsage();
      const cpu = process.cpuUsage(cpuStart);
      process.send!({
        type: 'stats',
        sockets: realtime.io.engine.clientsCount,
        rss: before.rss,
        heapUsed: before.heapUsed,
        rssAfterGc: after.rss,
        heapUsedAfterGc: after.heapUsed,
        cpuMs: (cpu.user + cpu.system) / 1000,
      });
    }
    if (msg.type === 'stop') {
      await realtime.stop();
      await deps.close();
      process.exit(0);
    }
  });
  process.send!({ type: 'ready', port: realtime.port });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
