import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { registerBidMetrics } from '../shared/bid-stage-metrics';
import { registerBrowseCacheMetrics } from '../modules/listings';
import type { Db } from '../../db/connection';
import { moneyIntentsRepository } from '../shared/money-intents.repository';

const MONEY_INTENT_STATUSES = ['pending', 'running', 'succeeded', 'failing', 'waiting_for_wallet', 'skipped'];

/**
 * Money intents as the rows say (every process agrees, whichever worker ran them): how many are in
 * each status — alert on `money_intents{status="failing"} > 0` — and the attempts made so far.
 */
function registerMoneyIntentMetrics(registry: Registry, db: Db): void {
  new Gauge({
    name: 'money_intents',
    help: 'Money intents (payouts, refunds) by status; failing ones need staff (GET /v1/admin/money-jobs?status=failing)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await moneyIntentsRepository.countByStatus(db).catch(() => null);
      if (!counts) return;
      for (const status of MONEY_INTENT_STATUSES) this.set({ status }, counts[status] ?? 0);
    },
  });
  new Counter({
    name: 'money_intent_attempts_total',
    help: 'Attempts made to carry out money intents, by kind',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const sums = await moneyIntentsRepository.attemptsByKind(db).catch(() => null);
      if (!sums) return;
      // A counter read from the rows: reset and set to the stored total (it only grows).
      this.reset();
      for (const kind of ['release', 'refund', 'payment_refund']) this.inc({ kind }, sums[kind] ?? 0);
    },
  });
}

/** Per-app Prometheus registry with process metrics, request latency by route and (given the db) money intents. */
export function createMetrics(db?: Db) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerBidMetrics(registry);
  registerBrowseCacheMetrics(registry);
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const errors = new Counter({ name: 'http_server_errors_total', help: '5xx responses', labelNames: ['route'], registers: [registry] });
  if (db) registerMoneyIntentMetrics(registry, db);

  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      // The matched pattern, not the URL, keeps label cardinality bounded.
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
      if (res.statusCode >= 500) errors.inc({ route });
    });
    next();
  };
  return { registry, middleware };
}
