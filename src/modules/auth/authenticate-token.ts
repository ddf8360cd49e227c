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
  const actor = verifiedActor(deps, token);
  await assertSessionUsable(deps, actor, opts);
  return actor;
}

/** The token's actor when its signature and claims hold (401 otherwise); its session is not checked yet. */
export function verifiedActor(deps: { config: Config }, token: string): Actor {
  return verifyAccessToken(accessOptions(deps), token);
}

/** The second half of `actorFromToken`: refuses a revoked session, and a restore-only one where it is not allowed. */
export async function assertSessionUsable(
  deps: { revocations: SessionRevocations },
  actor: Actor,
  opts: { allowRestoreScope?: boolean } = {},
): Promise<void> {
  if (await deps.revocations.isRevoked(actor.sid)) throw unauthorized('session_revoked', 'This session has been signed out.');
  if (actor.scope === 'restore' && !opts.allowRestoreScope) {
    throw forbidden('account_deleted', 'This account is deleted: restore it (POST /v1/users/me/restore) or export its data.');
  }
}
