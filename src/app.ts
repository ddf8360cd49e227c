import { randomUUID } from 'node:crypto';
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import swaggerUi from 'swagger-ui-express';
import type { Deps } from './composition';
import { mountQueueBoard } from './http/admin-queues';
import { dependencyGate } from './http/dependency-gate';
import { mountConsole } from './http/console-assets';
import { createMetrics } from './http/metrics';
import { metricsAccess, metricsRefusal } from './shared/metrics-endpoint';
import { mountRoutes } from './http/mount';
import { requestLog } from './http/request-log';
import { buildOpenApiDocument } from './http/openapi';
import { errorHandler, notFoundHandler } from './http/problem';
import './http/types';
import { allRoutes } from './routes';
import { pingDatabase } from './shared/readiness.repository';

const REQUEST_ID = /^[\w.-]{1,100}$/;
/** Readiness must answer within a probe's timeout (1 s by default in Kubernetes) even when a backend hangs. */
const READY_CHECK_TIMEOUT_MS = 800;

/** Resolves `check`'s outcome, or false when it fails or takes longer than `ms`. */
function healthy(check: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([check.catch(() => false), timeout]).finally(() => clearTimeout(timer));
}

/** Builds the Express app (no listen): ops routes, then every declared `/v1` route. */
export function buildApp(deps: Deps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.use((req, res, next) => {
    const given = req.headers['x-request-id'];
    req.id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    next();
  });
  app.use(requestLog(deps.logger, (url) => url === '/health' || url === '/metrics'));
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(cors({ origin: deps.config.corsOrigins === '*' ? true : deps.config.corsOrigins, exposedHeaders: ['Retry-After', 'X-Request-Id'] }));
  const metrics = createMetrics(deps.db);
  app.use(metrics.middleware);
  app.use(
    express.json({
      limit: '1mb',
      // Raw bytes kept for signature checks (Stripe webhooks sign the exact body).
      verify: (req, _res, buf) => {
        (req as express.Request & { rawBody?: Buffer }).rawBody = buf;
      },
    }),
  );

  mountOps(app, deps, metrics.registry);
  mountQueueBoard(app, deps);
  mountConsole(app, deps.config.realtimePort);
  const router = express.Router();
  mountRoutes(router, deps, allRoutes);
  app.use(dependencyGate(deps.health), router);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger, deps.health));
  return app;
}

function mountOps(app: Express, deps: Deps, registry: ReturnType<typeof createMetrics>['registry']): void {
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    // A down Redis does not fail ioredis commands, it queues them until reconnected: hence the timeout.
    const checks = await Promise.all([
      healthy(pingDatabase(deps.db), READY_CHECK_TIMEOUT_MS),
      healthy(deps.redis.ping().then((r) => r === 'PONG'), READY_CHECK_TIMEOUT_MS),
    ]);
    const [postgres, redis] = checks;
    res.status(postgres && redis ? 200 : 503).json({ status: postgres && redis ? 'ready' : 'not_ready', postgres, redis });
  });
  app.get('/metrics', async (req, res, next) => {
    const access = metricsAccess(deps.config.metrics, req.headers.authorization);
    // Off: answered like any unknown route, so production without METRICS_TOKEN does not advertise it.
    if (access === 'off') return next();
    if (access === 'unauthorized') {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return next(metricsRefusal(access));
    }
    res.type(registry.contentType).send(await registry.metrics());
  });
  if (!deps.config.docsEnabled) return;
  const document = buildOpenApiDocument(allRoutes);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: 'Biddt API' }));
  // A browser pointed at the server lands on the API reference; without docs `/` stays a 404 problem.
  app.get('/', (_req, res) => {
    res.redirect(302, '/docs');
  });
}
