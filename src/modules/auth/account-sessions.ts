import type { Trx } from '../../../db/connection';
import { jobFor, writeOutbox } from '../../shared/outbox';
import type { Platform } from '../../shared/platform';
import { toProblem } from '../../shared/problem';
import { unauthorized } from '../../shared/errors';
import { userRoom } from '../../shared/rooms';
import { socketEmitter } from '../../shared/socket-emitter';
import { sessionRoom, type SessionRevocations } from './revocations';
import { revokeAllSessions } from './sessions';
import { liveFamiliesOfUser, revokeFamiliesTokens } from './sessions.repository';

type SessionDeps = Pick<Platform, 'db' | 'redis' | 'config'> & { revocations: SessionRevocations };

/**
 * Ends every session of a user at once (a change of role, a staff suspension, a restore): refresh families
 * revoked, their access tokens refused through the revocation list, and every socket of the user told
 * and disconnected. The same mechanism as logout, for all of the user's sessions instead of one.
 * `reason` is what the user's sockets are told.
 */
export async function revokeEverySession(deps: SessionDeps, userId: string, reason: string): Promise<void> {
  // The families the revocation itself ended: a session opened or rotated between a separate read
  // and the revocation would keep its access tokens for their 15 minutes.
  const families = await revokeAllSessions(deps.db, userId);
  await Promise.all(families.map((sid) => deps.revocations.revoke(sid)));
  const emitter = socketEmitter(deps);
  const rooms = [userRoom(userId), ...families.map(sessionRoom)];
  emitter.to(rooms).emit('session_expired', { error: toProblem(unauthorized('session_revoked', reason)) });
  emitter.in(rooms).disconnectSockets(true);
}

/**
 * Writes the `auth.end_sessions` job for the user's live sessions into the caller's transaction (an
 * account deletion, a role change, a staff suspension), read after the caller locked the account
 * against new sign-ins: the crash-safe half of ending them, next to the immediate end after the
 * commit. Sessions opened after the commit (a deleted account's restore-only one) are not in the list
 * and live on. Returns the sessions, none when there is nothing to end.
 */
export async function writeSessionsEnd(trx: Trx, userId: string, reason: string): Promise<string[]> {
  const sessionIds = await liveFamiliesOfUser(trx, userId);
  if (sessionIds.length > 0) await writeOutbox(trx, [jobFor('auth.end_sessions', { sessionIds, reason })]);
  return sessionIds;
}

/**
 * Ends these sessions: their refresh tokens revoked, their access tokens refused, their sockets told
 * and disconnected. Idempotent (a revoked token stays revoked; the revocation list entry is written
 * again for a full access-token lifetime, which outlives every token of the session).
 */
export async function endSessions(deps: SessionDeps, sessionIds: string[], reason: string): Promise<void> {
  if (sessionIds.length === 0) return;
  await revokeFamiliesTokens(deps.db, sessionIds);
  await Promise.all(sessionIds.map((sid) => deps.revocations.revoke(sid)));
  const rooms = sessionIds.map(sessionRoom);
  const emitter = socketEmitter(deps);
  emitter.to(rooms).emit('session_expired', { error: toProblem(unauthorized('session_revoked', reason)) });
  emitter.in(rooms).disconnectSockets(true);
}
