import type { Platform } from '../../shared/platform';
import { invalid, notFound } from '../../shared/errors';
import { isLiveUser } from '../users';
import { reviewsRepository } from './reviews.repository';

type ReviewDeps = Pick<Platform, 'db'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opaque cursor: base64url of the last review's created_at (PostgreSQL text, exact) and id. */
const encode = (key: string, id: string) => Buffer.from(JSON.stringify([key, id])).toString('base64url');

function decode(cursor: string): { key: string; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const ok = Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && parsed[0].length <= 64 && !Number.isNaN(Date.parse(parsed[0])) && typeof parsed[1] === 'string' && UUID.test(parsed[1]);
  if (!ok) throw invalid([{ field: 'cursor', message: 'must be a cursor from a previous page' }]);
  const [key, id] = parsed as [string, string];
  return { key, id };
}

/** GET /users/:id/reviews — the ratings a live user received, newest first, with the reviewer's side. */
export async function userReviews(deps: ReviewDeps, userId: string, limit: number, cursor?: string) {
  if (!(await isLiveUser(deps.db, userId))) throw notFound('user');
  const rows = await reviewsRepository.pageFor(deps.db, userId, limit + 1, cursor ? decode(cursor) : undefined);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ id: r.id, score: r.score, comment: r.comment, reviewerRole: r.reviewerRole, createdAt: r.createdAt.toISOString() })),
    nextCursor: rows.length > limit && last ? encode(last.createdKey, last.id) : null,
  };
}
