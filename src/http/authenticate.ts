import type { RequestHandler } from 'express';
import type { Deps } from '../composition';
import { actorFromToken, bearerToken } from '../modules/auth';
import { signInRequired } from './route';

/** Sets `req.actor` from the bearer token; `required` answers 401 when there is none. */
export function authenticate(deps: Deps, mode: 'required' | 'optional', opts: { allowRestoreScope?: boolean } = {}): RequestHandler {
  return async (req, _res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) {
      if (mode === 'required') throw signInRequired();
      return next();
    }
    req.actor = await actorFromToken(deps, token, opts);
    await deps.rateLimits.consume('apiUser', req.actor.userId);
    next();
  };
}
