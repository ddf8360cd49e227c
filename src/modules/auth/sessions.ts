import { randomUUID } from 'node:crypto';
import type { Db, Trx } from '../../../db/connection';
import { randomToken, sha256 } from '../../shared/crypto';
import { unauthorized } from '../../shared/errors';
import { isLiveUser } from '../users';
import {
  familyHasLiveToken,
  insertRefreshToken,
  lockRefreshToken,
  markRefreshTokenRotated,
  revokeFamilyTokens,
  revokeUserTokens,
  shareLockLiveFamilyToken,
} from './sessions.repository';

export interface IssuedRefresh {
  refreshToken: string;
  familyId: string;
}

/** Starts a new session (refresh-token family) for a user. */
export async function startSession(db: Db, userId: string, ttlSec: number): Promise<IssuedRefresh> {
  return issueInFamily(db, userId, randomUUID(), ttlSec);
}

async function issueInFamily(db: Db, userId: string, familyId: string, ttlSec: number): Promise<IssuedRefresh> {
  const refreshToken = randomToken();
  await insertRefreshToken(db, { familyId, userId, tokenHash: sha256(refreshToken), ttlSec });
  return { refreshToken, familyId };
}

/**
 * Exchanges a refresh token for a new one in the same family. Presenting a token that was already
 * rotated means it leaked (or raced): the whole family is revoked, so the thief's copy dies too;
 * `onReuse` then ends the family's live access tokens as well.
 */
export async function rotateSession(
  db: Db,
  refreshToken: string,
  ttlSec: number,
  onReuse: (familyId: string) => Promise<void> = async () => undefined,
): Promise<IssuedRefresh & { userId: string }> {
  const invalid = () => unauthorized('invalid_refresh_token', 'The refresh token is not valid.');
  const outcome = await db.transaction().execute(async (trx) => {
    const row = await lockRefreshToken(trx, sha256(refreshToken));
    if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) return { error: true as const };
    if (row.rotatedAt) return { reuse: row.familyId };
    if (!(await isLiveUser(trx, row.userId))) return { error: true as const };
    await markRefreshTokenRotated(trx, row.id);
    const issued = await issueInFamily(trx, row.userId, row.familyId, ttlSec);
    return { issued: { ...issued, userId: row.userId } };
  });
  if ('reuse' in outcome && outcome.reuse) {
    await revokeFamily(db, outcome.reuse);
    await onReuse(outcome.reuse);
    throw unauthorized('refresh_token_reused', 'This refresh token was already used; the session has been revoked.');
  }
  if ('issued' in outcome && outcome.issued) return outcome.issued;
  throw invalid();
}

/** Revokes every token of a session family (logout, reuse detection). */
export async function revokeFamily(db: Db, familyId: string): Promise<void> {
  await revokeFamilyTokens(db, familyId);
}

/** True while the family has a token that is neither revoked nor expired. */
export async function isSessionLive(db: Db, familyId: string): Promise<boolean> {
  return familyHasLiveToken(db, familyId);
}

/**
 * Holds the session open for the rest of the caller's transaction (false when it is no longer live):
 * whatever the caller stores under the session (a push token) is then either stored before a logout's
 * revocation, which waits for the commit and is followed by its cleanup, or refused after it.
 */
export async function holdLiveSession(trx: Trx, familyId: string): Promise<boolean> {
  return shareLockLiveFamilyToken(trx, familyId);
}

/** Revokes every session of a user (account deletion, suspension); returns the sessions (families) it ended. */
export async function revokeAllSessions(db: Db, userId: string): Promise<string[]> {
  return revokeUserTokens(db, userId);
}
