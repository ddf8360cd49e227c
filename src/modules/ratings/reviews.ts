import type { Platform } from '../../shared/platform';
import { notFound } from '../../shared/errors';
import { decodeTimeCursor, encodeTimeCursor } from '../../shared/time-cursor';
import { isLiveUser } from '../users';
import { reviewsRepository } from './reviews.repository';

type ReviewDeps = Pick<Platform, 'db'>;

/** GET /users/:id/reviews — the ratings a live user received, newest first, with the reviewer's side. */
export async function userReviews(deps: ReviewDeps, userId: string, limit: number, cursor?: string) {
  if (!(await isLiveUser(deps.db, userId))) throw notFound('user');
  const rows = await reviewsRepository.pageFor(deps.db, userId, limit + 1, cursor ? decodeTimeCursor(cursor) : undefined);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      score: r.score,
      comment: r.comment,
      reviewerRole: r.reviewerRole,
      createdAt: r.createdAt.toISOString(),
    })),
    nextCursor: rows.length > limit && last ? encodeTimeCursor({ key: last.createdKey, id: last.id }) : null,
  };
}
