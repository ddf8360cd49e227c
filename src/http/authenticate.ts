import type { RequestHandler } from 'express';
import type { Deps } from '../composition';
import { assertSessionUsable, bearerToken, verifiedActor } from '../modules/auth';
import { isAppError } from '../shared/errors';
import { signInRequired } from './route';

/** Sets `req.actor` from the bearer token; `required` answers 401 when there is none. */
export function authenticate(deps: Deps, mode: 'required' | 'optional', opts: { allowRestoreScope?: boolean } = {}): RequestHandler {
  return async (req, _res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) {
      if (mode === 'required') throw signInRequired();
      return next();
    }
    // The signature is checked first (synchronously); the revocation check and the user's request
    // budget are sent together, so the request waits one round trip, not two.
    const actor = verifiedActor(deps, token);
    const [session, limit] = await Promise.allSettled([assertSessionUsable(deps, actor, opts), deps.rateLimits.consume('apiUser', actor.userId)]);
    if (session.status === 'rejected') {
      // A refused session gives its point back (the counter moved even when it answered 429): whoever
      // still holds a signed-out or stolen session's token must not spend the user's budget and lock
      // their live sessions out with 429.
      if (limit.status === 'fulfilled' || (isAppError(limit.reason) && limit.reason.kind === 'rate_limited')) {
        await deps.rateLimits.refund('apiUser', actor.userId).catch(() => undefined);
      }
      throw session.reason;
    }
    if (limit.status === 'rejected') throw limit.reason;
    req.actor = actor;
    next();
  };
}
