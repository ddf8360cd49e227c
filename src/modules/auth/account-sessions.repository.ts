import type { Db } from '../../../db/connection';

/** The user's sessions (refresh families) with a token not yet revoked: the ones whose access tokens may still be live. */
export async function openFamiliesOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('refreshTokens').select('familyId').distinct().where('userId', '=', userId).where('revokedAt', 'is', null).execute();
  return rows.map((r) => r.familyId);
}
