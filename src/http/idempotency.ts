import type { Db } from '../../db/connection';
import { sha256 } from '../shared/crypto';
import { AppError, unprocessable } from '../shared/errors';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyKey,
  releaseIdempotencyKey,
  takeOverStaleIdempotencyKey,
} from '../shared/idempotency.repository';
import { statusOf, toProblem } from '../shared/problem';
import type { Reply } from './route';

const WAIT_STEP_MS = 50;
const WAIT_LIMIT_MS = 15000;
const KEY_PATTERN = /^[\w.:-]{1,200}$/;
/** How long an unfinished claim protects its key before a retry may take it over (IDEMPOTENCY_LEASE_MS). */
export const DEFAULT_IDEMPOTENCY_LEASE_MS = 60_000;

/** Validates an Idempotency-Key header value (absent → undefined). */
export function readIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !KEY_PATTERN.test(value)) {
    throw new AppError('invalid', 'invalid_idempotency_key', 'Idempotency-Key must be 1–200 characters of [A-Za-z0-9_.:-].', {
      errors: [{ field: 'Idempotency-Key', message: 'invalid format' }],
    });
  }
  return value;
}

/**
 * Runs `work` at most once per (scope, key). A replay with the same request answers the stored
 * reply; a different request under the same key is refused with 422; a concurrent duplicate waits
 * for the first to finish. Server errors are not stored, so the client may retry them. A claim that
 * stays unfinished longer than `leaseMs` belongs to a request that died: a retry takes it over.
 */
export async function withIdempotency(
  db: Db,
  scope: string,
  key: string,
  request: unknown,
  work: () => Promise<Reply>,
  leaseMs = DEFAULT_IDEMPOTENCY_LEASE_MS,
): Promise<Reply> {
  const requestHash = sha256(JSON.stringify(request ?? null));
  const claimed =
    (await claimIdempotencyKey(db, scope, key, requestHash)) || (await takeOverStaleIdempotencyKey(db, scope, key, requestHash, leaseMs));
  if (!claimed) {
    const replayed = await replay(db, scope, key, requestHash, leaseMs);
    if (replayed !== 'taken_over') return replayed;
  }

  let reply: Reply;
  try {
    reply = await work();
  } catch (err) {
    // Rate limits and outages are transient: the client should be able to retry under the same key.
    if (!(err instanceof AppError) || err.kind === 'rate_limited' || err.kind === 'unavailable') {
      await releaseIdempotencyKey(db, scope, key);
      throw err;
    }
    reply = { status: statusOf(err), body: toProblem(err), contentType: 'application/problem+json' };
  }
  await completeIdempotencyKey(db, scope, key, {
    statusCode: reply.status,
    responseBody: JSON.stringify({ contentType: reply.contentType, body: reply.body ?? null }),
  });
  return reply;
}

async function replay(db: Db, scope: string, key: string, requestHash: string, leaseMs: number): Promise<Reply | 'taken_over'> {
  for (let waited = 0; waited <= WAIT_LIMIT_MS; waited += WAIT_STEP_MS) {
    const row = await findIdempotencyKey(db, scope, key);
    if (!row) throw new AppError('conflict', 'idempotency_retry', 'The first request with this Idempotency-Key failed; retry it.');
    if (row.requestHash !== requestHash) {
      throw unprocessable('idempotency_key_reused', 'This Idempotency-Key was used with a different request.', {
        errors: [{ field: 'Idempotency-Key', message: 'already used with a different request body' }],
      });
    }
    if (row.completedAt && row.statusCode !== null) {
      const stored = row.responseBody as { contentType?: string; body: unknown };
      return { status: row.statusCode, body: stored.body ?? undefined, contentType: stored.contentType, headers: { 'Idempotent-Replayed': 'true' } };
    }
    // The holder's lease may run out while we wait: then this request is the retry that takes over.
    if (Date.now() - row.claimedAt.getTime() >= leaseMs && (await takeOverStaleIdempotencyKey(db, scope, key, requestHash, leaseMs))) {
      return 'taken_over';
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
  throw new AppError('conflict', 'idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.');
}
