import jwt from 'jsonwebtoken';
import type { ExtendedError } from 'socket.io';
import { actorFromToken, sessionRoom } from '../src/modules/auth';
import { forbidden, unauthorized } from '../src/shared/errors';
import { isStaff } from '../src/shared/permissions';
import { STAFF_ROOM } from '../src/shared/rooms';
import { z } from '../src/shared/zod';
import { onEvent, problemOf } from './ack';
import type { BiddtSocket, RealtimeDeps } from './types';

const MAX_TIMER_MS = 2 ** 31 - 1;
const AuthPayload = z.strictObject({ token: z.string().min(1).max(4096) });

/** The `exp` of an access token that was already verified (epoch ms). */
function expiryOf(token: string): number {
  const exp = (jwt.decode(token) as jwt.JwtPayload | null)?.exp;
  return typeof exp === 'number' ? exp * 1000 : 0;
}

/**
 * Handshake: `auth.token` must be a valid, unrevoked access token. A refusal reaches the client as
 * `connect_error` whose `data` is the problem (`missing_token`, `invalid_token`, `token_expired`,
 * `session_revoked`).
 */
export function handshakeAuth(deps: RealtimeDeps) {
  return async (socket: BiddtSocket, next: (err?: ExtendedError) => void) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    try {
      if (typeof token !== 'string' || token === '') throw unauthorized('missing_token', 'auth.token is required.');
      socket.data.actor = await actorFromToken(deps, token);
      socket.data.expiresAt = expiryOf(token);
      next();
    } catch (err) {
      const problem = problemOf(err, deps.logger, { where: 'handshake' });
      next(Object.assign(new Error(problem.code), { data: problem }));
    }
  };
}

/**
 * Keeps a socket's identity as fresh as its token. At the token's expiry the server emits
 * `session_expired {error}` and disconnects the socket. Before that, the client may send
 * `auth {token}` with a newer access token of the SAME user: it replaces the old one and moves the
 * deadline (ack `{expiresAt}`). Another user's token is refused (reconnect to switch users).
 */
export function installSession(deps: RealtimeDeps, socket: BiddtSocket): void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    const ms = Math.min(Math.max(0, socket.data.expiresAt - Date.now()), MAX_TIMER_MS);
    timer = setTimeout(expire, ms);
  };
  const expire = () => {
    if (Date.now() < socket.data.expiresAt) return arm();
    socket.emit('session_expired', {
      error: problemOf(unauthorized('token_expired', 'The access token has expired; reconnect with a fresh one.'), deps.logger),
    });
    socket.disconnect(true);
  };
  arm();
  socket.on('disconnect', () => clearTimeout(timer));

  onEvent(socket, deps.logger, 'auth', AuthPayload, async ({ token }) => {
    const actor = await actorFromToken(deps, token);
    if (actor.userId !== socket.data.actor.userId)
      throw forbidden('user_mismatch', 'A socket stays signed in as one user; reconnect to switch users.');
    if (actor.sid !== socket.data.actor.sid) {
      // Logging out the new session must reach this socket; the old session no longer speaks for it.
      await socket.leave(sessionRoom(socket.data.actor.sid));
      await socket.join(sessionRoom(actor.sid));
    }
    // The staff room follows the role the socket now acts with: a refresh after an unsuspension brings
    // a staff role back within the same session, and a plain-user token must not keep the staff queue.
    if (isStaff(actor.role)) await socket.join(STAFF_ROOM);
    else await socket.leave(STAFF_ROOM);
    socket.data.actor = actor;
    socket.data.expiresAt = expiryOf(token);
    arm();
    return { expiresAt: new Date(socket.data.expiresAt).toISOString() };
  });
}
