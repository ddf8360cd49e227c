import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../shared/errors';
import { toProblem } from '../shared/problem';
import type { DependencyHealth } from '../shared/dependency-health';
import type { Logger } from '../shared/logger';
import { DependencyUnavailableError, isOutage } from '../shared/outage';

/** Maps body-parser and other framework errors to AppErrors. */
function normalize(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; expose?: boolean };
  if (e?.type === 'entity.too.large') return new AppError('payload_too_large', 'payload_too_large', 'The request body is too large.');
  if (e?.type === 'entity.parse.failed') {
    return new AppError('invalid', 'malformed_json', 'The request body is not valid JSON.', { errors: [{ field: 'body', message: 'malformed JSON' }] });
  }
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') {
    const message = 'Send JSON bodies as UTF-8, optionally gzip- or deflate-encoded.';
    return new AppError('unsupported_media_type', 'unsupported_encoding', message);
  }
  if (e?.status === 400 && e.expose) return new AppError('invalid', 'bad_request', 'The request is malformed.');
  return undefined;
}

/** Sends a problem+json response. */
export function sendProblem(res: Parameters<RequestHandler>[1], err: AppError, instance?: string): void {
  const problem = toProblem(err, instance);
  if (err.details.retryAfterSec !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.details.retryAfterSec))));
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/**
 * The single place where errors become HTTP: known ones as problems, a dependency outage as a 503
 * (and a nudge to the health probe), the rest as an opaque 500.
 */
export function errorHandler(logger: Logger, health?: DependencyHealth): ErrorRequestHandler {
  return (err, req, res, _next) => {
    // Already answered 503 by the dependency gate: the handler's late outcome has nowhere to go.
    if (res.locals.abandoned) return;
    if (isOutage(err)) {
      health?.suspect();
      logger.warn({ requestId: req.id, message: (err as Error).message }, 'dependency unavailable: answered 503');
      if (res.headersSent) return res.end();
      return sendProblem(res, err instanceof DependencyUnavailableError ? err : new DependencyUnavailableError(), req.originalUrl);
    }
    const known = normalize(err);
    if (known) return sendProblem(res, known, req.originalUrl);
    logger.error({ err, requestId: req.id }, 'unhandled error');
    if (res.headersSent) return res.end();
    res
      .status(500)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: 'about:blank',
          title: 'Internal Server Error',
          status: 500,
          code: 'internal_error',
          detail: 'Something went wrong on our side. It has been logged.',
          instance: req.originalUrl,
          requestId: req.id,
        }),
      );
  };
}

/** 404 for anything no route matched. */
export const notFoundHandler: RequestHandler = (req, res) =>
  sendProblem(res, new AppError('not_found', 'route_not_found', `No route for ${req.method} ${req.path}.`), req.originalUrl);
