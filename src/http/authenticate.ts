import type { RequestHandler } from 'express';
import type { Deps } from '../composition';
import { accessOptions } from '../modules/auth/auth.service';
import { bearerToken, verifyAccessToken } from '../modules/auth/access-tokens';
import { unauthorized } from '../shared/errors';
import { signInRequired } from './route';
import type { Actor } from './types';

/** Resolves an access token to an Actor: signature, claims, and that its session was not revoked. */
export async function actorFromToken(deps: Pick<Deps, 'config' | 'revocations'>, token: string): Promise<Actor> {
  const actor = verifyAccessToken(accessOptions(deps), token);
  if (await deps.revocations.isRevoked(actor.sid)) throw unauthorized('session_revoked', 'This session has been signed out.');
  return actor;
}

/** Sets `req.actor` from the bearer token; `required` answers 401 when there is none. */
export function authenticate(deps: Deps, mode: 'required' | 'optional'): RequestHandler {
  return async (req, _res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) {
      if (mode === 'required') throw signInRequired();
      return next();
    }
    req.actor = await actorFromToken(deps, token);
    await deps.rateLimits.consume('apiUser', req.actor.userId);
    next();
  };
}
