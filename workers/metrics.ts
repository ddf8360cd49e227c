import type { Worker } from 'bullmq';
import { Counter } from 'prom-client';
import type { Deps } from '../src/composition';
import { createProcessRegistry, startMetricsServer, type MetricsServer } from '../src/shared/metrics-endpoint';

/**
 * The workers process's `/metrics` on its own small listener (WORKERS_METRICS_PORT): process metrics
 * plus jobs completed and failed per queue, under the same token rule as the api.
 */
export async function startWorkersMetrics(deps: Pick<Deps, 'config'>, workers: Worker[]): Promise<MetricsServer> {
  const registry = createProcessRegistry();
  const completed = new Counter({ name: 'jobs_completed_total', help: 'Jobs completed, by queue', labelNames: ['queue'], registers: [registry] });
  const failed = new Counter({ name: 'jobs_failed_total', help: 'Job attempts that failed, by queue', labelNames: ['queue'], registers: [registry] });
  for (const worker of workers) {
    worker.on('completed', () => completed.inc({ queue: worker.name }));
    worker.on('failed', () => failed.inc({ queue: worker.name }));
  }
  return startMetricsServer(registry, deps.config.metrics, deps.config.host, deps.config.metrics.workersPort);
}
