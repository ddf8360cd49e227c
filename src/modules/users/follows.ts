import type { Platform } from '../../shared/platform';
import type { Ctx } from '../../shared/context';
import { notFound, unprocessable } from '../../shared/errors';
import { decodeTimeCursor, encodeTimeCursor } from '../../shared/time-cursor';
import { deleteFollow, followersBatch, followingPage, insertFollow } from './follows.repository';
import { isLiveUser } from './users.repository';

type FollowDeps = Pick<Platform, 'db'>;

/** The seller to (un)follow: a live account other than the caller (deleted accounts are absent). */
async function assertFollowable(deps: FollowDeps, ctx: Ctx, sellerId: string): Promise<void> {
  if (sellerId === ctx.actor.userId) {
    throw unprocessable('cannot_follow_self', 'You cannot follow yourself.', { errors: [{ field: 'id', message: 'is your own account' }] });
  }
  if (!(await isLiveUser(deps.db, sellerId))) throw notFound('user');
}

/** `POST /v1/users/:id/follow` (SPEC §9): follow a seller to hear when they publish (idempotent). */
export async function followSeller(deps: FollowDeps, ctx: Ctx, sellerId: string) {
  await assertFollowable(deps, ctx, sellerId);
  await insertFollow(deps.db, ctx.actor.userId, sellerId);
  return { sellerId, following: true };
}

/** `DELETE /v1/users/:id/follow`: stop following (idempotent). */
export async function unfollowSeller(deps: FollowDeps, ctx: Ctx, sellerId: string) {
  await assertFollowable(deps, ctx, sellerId);
  await deleteFollow(deps.db, ctx.actor.userId, sellerId);
  return { sellerId, following: false };
}

/** `GET /v1/users/me/following`: the sellers the caller follows, most recent first. */
export async function sellersFollowed(deps: FollowDeps, ctx: Ctx, limit: number, cursor?: string) {
  const rows = await followingPage(deps.db, ctx.actor.userId, limit, cursor ? decodeTimeCursor(cursor) : undefined);
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      seller: { id: r.sellerId, displayName: r.displayName, avatarUrl: r.avatarUrl },
      followedAt: r.followedAt.toISOString(),
    })),
    nextCursor:
      rows.length > limit ? encodeTimeCursor({ key: page[page.length - 1].followedKey, id: page[page.length - 1].sellerId }) : null,
  };
}

/** The fan-out's batches: the next live followers of a seller, by follower id. */
export const followersOfSeller = followersBatch;
