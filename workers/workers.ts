import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import type { Deps } from '../src/composition';
import { QUEUE_NAMES, type QueueName } from '../src/shared/jobs';
import { DrainWakeups } from '../src/modules/bidding';
import { closeRedis, createRedis } from '../src/shared/redis';
import { handlers as defaultHandlers } from './handlers';
import { OutboxRelay } from './outbox-relay';
import { assertRegistryComplete, processorFor, type UncheckedHandlers } from './registry';
import { upsertSchedules, watchSchedules } from './schedules';

// Bids: one drain job per listing with bids waiting; many in hand at once, so listings do not queue behind each other.
// Auctions: a close job arrives early and waits for its deadline, so many must be in hand at once.
const CONCURRENCY: Partial<Record<QueueName, number>> = { bids: 256, auctions: 512, notifications: 20 };

export interface RunningWorkers {
  workers: Worker[];
  relay: OutboxRelay;
  stop(): Promise<void>;
}

/** Starts a BullMQ worker per queue plus the outbox relay; refuses to start with a registry gap. */
export async function startWorkers(deps: Deps, handlers: UncheckedHandlers = defaultHandlers): Promise<RunningWorkers> {
  assertRegistryComplete(handlers);
  const connection = createRedis(deps.config.redisUrl!);
  // Subscribed before any drain runs: a drain that ran dry may then wait for its listing's next bid.
  const drainWakeups = new DrainWakeups(deps.redis, deps.config.redisPrefix);
  await drainWakeups.listen();
  const jobDeps: Deps = { ...deps, drainWakeups };
  const workers = QUEUE_NAMES.map((queue) => {
    const worker = new Worker(queue, processorFor(jobDeps, queue, handlers), {
      connection,
      prefix: deps.config.redisPrefix,
      concurrency: CONCURRENCY[queue] ?? 10,
      // Recorded on each job it takes (`processedBy`): which process handled a job, in the dashboard and in tests.
      name: `${hostname()}-${process.pid}`,
      lockDuration: deps.config.timing.jobLockDurationMs,
      stalledInterval: deps.config.timing.jobStalledIntervalMs,
    });
    worker.on('failed', (job, err) => deps.logger.warn({ queue, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err }, 'job failed'));
    worker.on('error', (err) => deps.logger.error({ queue, err }, 'worker error'));
    return worker;
  });
  const relay = new OutboxRelay(deps);
  await relay.start();
  await upsertSchedules(deps);
  const schedules = watchSchedules(deps, deps.config.timing.scheduleCheckMs);
  return {
    workers,
    relay,
    async stop() {
      // Finish the jobs in hand (close waits for them), then stop relaying and drop the connection.
      schedules.stop();
      // Drains waiting for a next bid stop waiting, so closing does not wait out their linger.
      const wakeupsClosed = drainWakeups.close();
      await Promise.all(workers.map((w) => w.close()));
      await wakeupsClosed;
      await relay.stop();
      await closeRedis(connection);
    },
  };
}
