import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Config } from '../config/config';
import { AppError } from './errors';
import { registerBidMetrics } from './bid-stage-metrics';
import { statusOf, toProblem } from './problem';

/** Who may read `/metrics`: everyone (development/test), bearers of METRICS_TOKEN, or nobody (production without it). */
export type MetricsAccess = 'allowed' | 'off' | 'unauthorized';

/** Constant-time comparison; hashing first makes the lengths equal so the length does not leak either. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Decides access to `/metrics` from the configuration and the request's Authorization header. */
export function metricsAccess(metrics: Config['metrics'], authorization: string | undefined): MetricsAccess {
  if (metrics.open) return 'allowed';
  if (!metrics.token) return 'off';
  const match = /^Bearer (.+)$/i.exec(authorization ?? '');
  return match && sameSecret(match[1], metrics.token) ? 'allowed' : 'unauthorized';
}

/** The problem answered instead of the metrics; `off` looks like any unknown route. */
export function metricsRefusal(access: Exclude<MetricsAccess, 'allowed'>): AppError {
  return access === 'off'
    ? new AppError('not_found', 'route_not_found', 'No such route.')
    : new AppError('unauthorized', 'unauthorized', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.');
}

/** A registry with the process metrics (CPU, memory, event-loop lag, GC), for the realtime and workers processes. */
export function createProcessRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerBidMetrics(registry);
  return registry;
}

/** Answers `GET /metrics` on a plain node HTTP server with the same access rule as the api. */
export async function serveMetrics(registry: Registry, metrics: Config['metrics'], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const access = metricsAccess(metrics, req.headers.authorization);
  if (access !== 'allowed') {
    const err = metricsRefusal(access);
    const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
    if (access === 'unauthorized') headers['www-authenticate'] = 'Bearer';
    res.writeHead(statusOf(err), headers).end(JSON.stringify(toProblem(err, req.url)));
    return;
  }
  res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
}

/** Whether a request is `GET /metrics` (query string ignored). */
export const isMetricsRequest = (req: IncomingMessage): boolean => req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics';

export interface MetricsServer {
  server: Server;
  port: number;
  stop(): Promise<void>;
}

/** A small HTTP listener serving only `/metrics` (the workers process has no other HTTP server). */
export async function startMetricsServer(registry: Registry, metrics: Config['metrics'], host: string, port: number): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    if (isMetricsRequest(req)) {
      serveMetrics(registry, metrics, req, res).catch(() => res.writeHead(500).end());
      return;
    }
    const err = metricsRefusal('off');
    res.writeHead(statusOf(err), { 'content-type': 'application/problem+json' }).end(JSON.stringify(toProblem(err, req.url)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
