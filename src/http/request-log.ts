import type { RequestHandler } from 'express';
import type { Logger } from '../shared/logger';

/**
 * One line per request once its answer is sent (or the client went away): id, method, url,
 * status and time taken — the line pino-http wrote, without its child logger per request, which
 * with the line itself was ≈ 6 % of the api's CPU at capacity (bench/bids). Errors are logged
 * where they are handled (`problem.ts`), with the request id.
 */
export function requestLog(logger: Logger, skip: (url: string) => boolean): RequestHandler {
  return (req, res, next) => {
    if (skip(req.url)) return next();
    const started = performance.now();
    res.once('close', () => {
      const line = {
        req: { id: req.id, method: req.method, url: req.originalUrl },
        res: { status: res.statusCode },
        responseTime: Math.round(performance.now() - started),
      };
      if (!res.writableFinished) logger.warn(line, 'request aborted');
      else if (res.statusCode >= 500) logger.error(line, 'request errored');
      else logger.info(line, 'request completed');
    });
    next();
  };
}
