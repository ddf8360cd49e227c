import type { DeviceRow } from '../modules/notifications';
import { holdLiveSession } from '../modules/auth';
import { upsertDevice } from '../modules/notifications';
import type { Actor } from '../shared/context';
import { unauthorized } from '../shared/errors';
import type { Platform } from '../shared/platform';

/**
 * POST /users/me/devices: registers a push token under the caller's session (auth) in the devices
 * table (notifications). A flow because the two must be ordered: logout revokes the session, then
 * deletes the devices registered under it; a registration that checked only the access token could
 * store its device after that deletion, and a signed-out phone would go on getting the user's pushes.
 * Holding the session open in the registration's transaction makes the logout wait for it (and then
 * delete the device), or refuses the registration once the session is revoked.
 */
export async function registerDevice(
  deps: Pick<Platform, 'db'>,
  actor: Actor,
  device: { token: string; platform: DeviceRow['platform'] },
): Promise<DeviceRow> {
  const stored = await deps.db.transaction().execute(async (trx) => {
    if (!(await holdLiveSession(trx, actor.sid))) return undefined;
    return upsertDevice(trx, { ...device, userId: actor.userId, sessionId: actor.sid });
  });
  // The session was signed out, or the account deleted (its sessions are being ended), since the token was checked.
  if (!stored) throw unauthorized('session_revoked', 'This session has been signed out.');
  return stored;
}
