import type { Platform } from '../../shared/platform';
import { toProblem } from '../../shared/problem';
import { unauthorized } from '../../shared/errors';
import { userRoom } from '../../shared/rooms';
import { socketEmitter } from '../../shared/socket-emitter';
import { sessionRoom, type SessionRevocations } from './revocations';
import { revokeAllSessions } from './sessions';

type SessionDeps = Pick<Platform, 'db' | 'redis' | 'config'> & { revocations: SessionRevocations };

/**
 * Ends every session of a user at once (account deletion, a change of role): refresh families revoked,
 * their access tokens refused through the revocation list, and every socket of the user told and
 * disconnected. The same mechanism as logout, for all of the user's sessions instead of one.
 * `reason` is what the user's sockets are told.
 */
export async function revokeEverySession(deps: SessionDeps, userId: string, reason = 'This account has been deleted.'): Promise<void> {
  // The families the revocation itself ended: a session opened or rotated between a separate read
  // and the revocation would keep its access tokens for their 15 minutes.
  const families = await revokeAllSessions(deps.db, userId);
  await Promise.all(families.map((sid) => deps.revocations.revoke(sid)));
  const emitter = socketEmitter(deps);
  const rooms = [userRoom(userId), ...families.map(sessionRoom)];
  emitter.to(rooms).emit('session_expired', { error: toProblem(unauthorized('session_revoked', reason)) });
  emitter.in(rooms).disconnectSockets(true);
}
