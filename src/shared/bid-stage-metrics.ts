import { Histogram, type Registry } from 'prom-client';

/**
 * Where one bid's time goes, stage by stage, as one histogram with a single low-cardinality label.
 * The api observes its stages (checks, stamp, enqueue, waiting for the decision, total), the workers
 * theirs (queued → picked up, waiting behind the listing's batch, the decide transaction, committed →
 * answer published). Stamps are Redis's clock and the workers' `Date.now()`: on one host (or with
 * NTP) the cross-process stages are accurate to a millisecond or so.
 */
export type BidStage =
  | 'intake_checks'
  | 'intake_stamp'
  | 'intake_enqueue'
  | 'intake_wait_decision'
  | 'intake_total'
  | 'worker_queue_wait'
  | 'worker_batch_wait'
  | 'worker_decide_tx'
  | 'worker_answer_publish'
  | 'worker_received_to_answer';

export const bidStageSeconds = new Histogram({
  name: 'bid_stage_seconds',
  help: 'Latency of one bid per stage of its path (api intake, queue, worker decision, answer)',
  labelNames: ['stage'],
  buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2.5],
  registers: [],
});

/** Batch sizes the bid worker decides in one transaction. */
export const bidBatchSize = new Histogram({
  name: 'bid_batch_size',
  help: 'Bid commands decided per transaction',
  buckets: [1, 2, 5, 10, 20, 50, 100, 200],
  registers: [],
});

/** Adds the bid-path metrics to a process's registry (api, workers, realtime share the definitions). */
export function registerBidMetrics(registry: Registry): void {
  if (!registry.getSingleMetric('bid_stage_seconds')) registry.registerMetric(bidStageSeconds);
  if (!registry.getSingleMetric('bid_batch_size')) registry.registerMetric(bidBatchSize);
}

/** Records `ms` milliseconds for a stage (negative spans from clock skew are clamped to 0). */
export function observeStage(stage: BidStage, ms: number): void {
  bidStageSeconds.observe({ stage }, Math.max(0, ms) / 1000);
}
