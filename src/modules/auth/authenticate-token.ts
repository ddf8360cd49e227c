import type { Config } from '../../config/config';
import type { Actor } from '../../shared/context';
import { unauthorized } from '../../shared/errors';
import { accessOptions } from './auth.service';
import { verifyAccessToken } from './access-tokens';
import type { SessionRevocations } from './revocations';

/**
 * Resolves an access token to an Actor: signature, claims, and that its session was not revoked.
 * Shared by every transport that takes a token (HTTP bearer, socket handshake).
 */
export async function actorFromToken(deps: { config: Config; revocations: SessionRevocations }, token: string): Promise<Actor> {
  const actor = verifyAccessToken(accessOptions(deps), token);
  if (await deps.revocations.isRevoked(actor.sid)) throw unauthorized('session_revoked', 'This session has been signed out.');
  return actor;
}
