import type { Request, RequestHandler, Response, Router } from 'express';
import type { Deps } from '../composition';
import { forbidden } from '../shared/errors';
import { authenticate } from './authenticate';
import { readIdempotencyKey, withIdempotency } from './idempotency';
import type { IdempotentReply, Reply, RouteDef } from './route';

/** Registers declared routes on an Express router: auth → roles → extras → validation → handler. */
export function mountRoutes(router: Router, deps: Deps, routes: RouteDef[]): void {
  for (const route of routes) {
    const { spec } = route;
    const chain: RequestHandler[] = [];
    const auth = spec.auth ?? 'required';
    if (auth !== 'none') chain.push(authenticate(deps, auth, { allowRestoreScope: spec.allowDeletedAccount === true }));
    if (spec.roles) {
      const roles = spec.roles;
      chain.push((req, _res, next) => {
        if (!req.actor || !roles.includes(req.actor.role)) throw forbidden('staff_only', 'This route is for staff.');
        next();
      });
    }
    chain.push(...(spec.before?.(deps) ?? []));
    chain.push(handlerFor(deps, route));
    router[spec.method](spec.path, ...chain);
  }
}

function handlerFor(deps: Deps, route: RouteDef): RequestHandler {
  const { spec } = route;
  return async (req: Request, res: Response) => {
    const call = route.prepare({
      params: req.params,
      query: req.query,
      body: req.body ?? {},
      actor: req.actor,
      requestId: req.id,
      ip: req.ip ?? 'unknown',
      headers: req.headers,
      rawBody: req.rawBody,
    });
    const key = spec.idempotent ? readIdempotencyKey(req.headers['idempotency-key']) : undefined;
    const run = (idempotency?: IdempotentReply) => call.run(deps, idempotency);
    const reply =
      key && req.actor
        ? await withIdempotency(
            deps.db,
            `${req.actor.userId}:${spec.method}:${spec.path}`,
            key,
            { params: call.params, body: call.body },
            run,
            deps.config.timing.idempotencyLeaseMs,
            deps.crashHook,
          )
        : await run();
    send(res, reply);
  };
}

function send(res: Response, reply: Reply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  res.status(reply.status);
  if (reply.body === undefined || reply.status === 204) {
    res.end();
    return;
  }
  if (reply.contentType) res.type(reply.contentType).send(JSON.stringify(reply.body));
  else res.json(reply.body);
}
