import { sql } from 'kysely';
import type { Db } from '../../../db/connection';

/** A seller the user follows, with what the list shows of them. */
export interface FollowedSeller {
  sellerId: string;
  displayName: string | null;
  avatarUrl: string | null;
  followedAt: Date;
  /** followedAt as PostgreSQL text (microseconds kept): the page key. */
  followedKey: string;
}

// Follows (SPEC §9): who follows which seller. Deleted accounts drop out of both sides' reads.

/** Follows `sellerId` (idempotent). */
export async function insertFollow(db: Db, followerId: string, sellerId: string): Promise<void> {
  await db
    .insertInto('follows')
    .values({ followerId, sellerId })
    .onConflict((oc) => oc.columns(['followerId', 'sellerId']).doNothing())
    .execute();
}

/** Stops following (idempotent). */
export async function deleteFollow(db: Db, followerId: string, sellerId: string): Promise<void> {
  await db.deleteFrom('follows').where('followerId', '=', followerId).where('sellerId', '=', sellerId).execute();
}

/**
 * A page of the sellers `followerId` follows, most recent first, keyset on (created_at, seller_id) after
 * the previous page's last row — its values, not its row, which an unfollow in between removes.
 */
export async function followingPage(
  db: Db,
  followerId: string,
  limit: number,
  after?: { key: string; id: string },
): Promise<FollowedSeller[]> {
  let q = db
    .selectFrom('follows as f')
    .innerJoin('users as u', 'u.id', 'f.sellerId')
    .select(['f.sellerId', 'u.displayName', 'u.avatarUrl', 'f.createdAt as followedAt', sql<string>`f.created_at::text`.as('followedKey')])
    .where('f.followerId', '=', followerId)
    .where('u.deletedAt', 'is', null)
    .orderBy('f.createdAt', 'desc')
    .orderBy('f.sellerId', 'desc')
    .limit(limit + 1);
  if (after) q = q.where(sql<boolean>`(f.created_at, f.seller_id) < (${after.key}::timestamptz, ${after.id}::uuid)`);
  return q.execute();
}

/** Every seller the user follows, for the account export (deleted sellers included: it is the user's record). */
export async function followsOf(db: Db, followerId: string): Promise<Array<{ sellerId: string; followedAt: Date }>> {
  return db
    .selectFrom('follows')
    .select(['sellerId', 'createdAt as followedAt'])
    .where('followerId', '=', followerId)
    .orderBy('createdAt')
    .execute();
}

/** A purged account follows nobody and has no followers (who follows whom is personal data). */
export async function eraseFollowsOf(db: Db, userId: string): Promise<void> {
  await db
    .deleteFrom('follows')
    .where((eb) => eb.or([eb('followerId', '=', userId), eb('sellerId', '=', userId)]))
    .execute();
}

/** The next `limit` live followers of `sellerId` after `afterFollowerId`, by follower id (the fan-out's batches). */
export async function followersBatch(db: Db, sellerId: string, limit: number, afterFollowerId?: string): Promise<string[]> {
  let q = db
    .selectFrom('follows as f')
    .innerJoin('users as u', 'u.id', 'f.followerId')
    .select('f.followerId')
    .where('f.sellerId', '=', sellerId)
    .where('u.deletedAt', 'is', null)
    .orderBy('f.followerId')
    .limit(limit);
  if (afterFollowerId) q = q.where('f.followerId', '>', afterFollowerId);
  return (await q.execute()).map((r) => r.followerId);
}
