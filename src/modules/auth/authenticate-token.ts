import type { Config } from '../../config/config';
import type { Actor } from '../../shared/context';
import { forbidden, unauthorized } from '../../shared/errors';
import { accessOptions } from './auth.service';
import { verifyAccessToken } from './access-tokens';
import type { SessionRevocations } from './revocations';

/**
 * Resolves an access token to an Actor: signature, claims, and that its session was not revoked.
 * Shared by every transport that takes a token (HTTP bearer, socket handshake). A deleted account's
 * restore-only session passes only where `allowRestoreScope` says so (its restore and export routes).
 */
export async function actorFromToken(
  deps: { config: Config; revocations: SessionRevocations },
  token: string,
  opts: { allowRestoreScope?: boolean } = {},
): Promise<Actor> {
  const actor = verifyAccessToken(accessOptions(deps), token);
  if (await deps.revocations.isRevoked(actor.sid)) throw unauthorized('session_revoked', 'This session has been signed out.');
  if (actor.scope === 'restore' && !opts.allowRestoreScope) {
    throw forbidden('account_deleted', 'This account is deleted: restore it (POST /v1/users/me/restore) or export its data.');
  }
  return actor;
}
