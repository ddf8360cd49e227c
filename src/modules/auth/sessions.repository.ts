import { sql, type Selectable } from 'kysely';
import type { Db, Trx } from '../../../db/connection';
import type { RefreshTokensTable } from '../../../db/schema';

// The only Kysely code for `refresh_tokens`. A `Trx` is a `Db` too: callers pass their transaction.

/** Stores a refresh token's hash in its family, valid for `ttlSec` from now (database time). */
export async function insertRefreshToken(db: Db, row: { familyId: string; userId: string; tokenHash: string; ttlSec: number }): Promise<void> {
  await db
    .insertInto('refreshTokens')
    .values({ familyId: row.familyId, userId: row.userId, tokenHash: row.tokenHash, expiresAt: sql<Date>`now() + make_interval(secs => ${row.ttlSec})` })
    .execute();
}

/** The token with this hash, locked until the transaction ends. */
export async function lockRefreshToken(trx: Db, tokenHash: string): Promise<Selectable<RefreshTokensTable> | undefined> {
  return trx.selectFrom('refreshTokens').selectAll().where('tokenHash', '=', tokenHash).forUpdate().executeTakeFirst();
}

/** Marks a token used (it was exchanged for the next one of its family). */
export async function markRefreshTokenRotated(db: Db, id: string): Promise<void> {
  await db.updateTable('refreshTokens').set({ rotatedAt: sql<Date>`now()` }).where('id', '=', id).execute();
}

/**
 * Revokes the tokens of a family (or of a user) not yet revoked, repeated until a pass finds none: a
 * rotation in flight holds its token's row lock, so a pass waits for it and revokes that token, but
 * the successor the rotation inserted is not in the pass's snapshot (READ COMMITTED); the next pass
 * sees it. A rotation that starts after a pass reads its token revoked and is refused. Returns the
 * families it revoked tokens of.
 */
async function revokeLiveTokens(db: Db, by: 'familyId' | 'userId', id: string): Promise<string[]> {
  const families = new Set<string>();
  for (;;) {
    const rows = await db
      .updateTable('refreshTokens')
      .set({ revokedAt: sql<Date>`now()` })
      .where(by, '=', id)
      .where('revokedAt', 'is', null)
      .returning('familyId')
      .execute();
    if (rows.length === 0) return [...families];
    for (const row of rows) families.add(row.familyId);
  }
}

/** Revokes the family's tokens not yet revoked (a rotation in flight included). */
export async function revokeFamilyTokens(db: Db, familyId: string): Promise<void> {
  await revokeLiveTokens(db, 'familyId', familyId);
}

/** Revokes the tokens of these families not yet revoked (a rotation in flight included), as `revokeFamilyTokens` does one. */
export async function revokeFamiliesTokens(db: Db, familyIds: string[]): Promise<void> {
  if (familyIds.length === 0) return;
  for (;;) {
    const rows = await db
      .updateTable('refreshTokens')
      .set({ revokedAt: sql<Date>`now()` })
      .where('familyId', 'in', familyIds)
      .where('revokedAt', 'is', null)
      .returning('id')
      .execute();
    if (rows.length === 0) return;
  }
}

/** The user's families that still have a token neither revoked nor expired (their access tokens may be live). */
export async function liveFamiliesOfUser(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('refreshTokens')
    .select('familyId')
    .distinct()
    .where('userId', '=', userId)
    .where('revokedAt', 'is', null)
    .where('expiresAt', '>', sql<Date>`now()`)
    .execute();
  return rows.map((r) => r.familyId);
}

/** A token of the family that is neither revoked nor expired. */
const liveTokenOf = (db: Db, familyId: string) =>
  db
    .selectFrom('refreshTokens')
    .select('id')
    .where('familyId', '=', familyId)
    .where('revokedAt', 'is', null)
    .where('expiresAt', '>', sql<Date>`now()`)
    .limit(1);

/** True while the family has a token that is neither revoked nor expired. */
export async function familyHasLiveToken(db: Db, familyId: string): Promise<boolean> {
  return Boolean(await liveTokenOf(db, familyId).executeTakeFirst());
}

/**
 * Share-locks (FOR SHARE) a live token of the family to the end of the caller's transaction; false when
 * the family has none (signed out, rotated into a revoked family, expired). A revocation in flight
 * (its UPDATE holds the rows) is waited for and its outcome read; one that comes later waits for the
 * caller's commit, since revoking a token updates its row.
 */
export async function shareLockLiveFamilyToken(trx: Trx, familyId: string): Promise<boolean> {
  return Boolean(await liveTokenOf(trx, familyId).forShare().executeTakeFirst());
}

/** Revokes every token of a user not yet revoked (a rotation in flight included); returns the families it revoked. */
export async function revokeUserTokens(db: Db, userId: string): Promise<string[]> {
  return revokeLiveTokens(db, 'userId', userId);
}
