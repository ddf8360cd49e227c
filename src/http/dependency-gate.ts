import type { RequestHandler } from 'express';
import { SUSPECT_AFTER_MS, type DependencyHealth } from '../shared/dependency-health';
import { DependencyUnavailableError } from '../shared/outage';
import { sendProblem } from './problem';

/**
 * Answers 503 at once while PostgreSQL or Redis is known down, and answers 503 to a request already
 * running when one goes down meanwhile (a hung server never fails the query itself). Such a request may
 * still finish later; its outcome is dropped, so the caller sees a retryable 503, never a late 2xx that
 * nobody waited for.
 */
export function dependencyGate(health: DependencyHealth): RequestHandler {
  return (req, res, next) => {
    if (health.down().length > 0) {
      health.suspect(); // re-check now rather than wait for the next period
      return sendProblem(res, new DependencyUnavailableError(), req.originalUrl);
    }
    const watchdog = setTimeout(() => health.suspect(), SUSPECT_AFTER_MS);
    const unwatch = health.watch(() => {
      if (res.headersSent) return;
      res.locals.abandoned = true;
      sendProblem(res, new DependencyUnavailableError(), req.originalUrl);
    });
    const done = () => {
      clearTimeout(watchdog);
      unwatch();
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
