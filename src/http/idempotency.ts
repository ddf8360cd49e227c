import type { Db } from '../../db/connection';
import type { CrashHook } from '../modules/escrow';
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
import type { IdempotentReply, Reply } from './route';

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
 *
 * A work that commits a side effect stores its reply in that commit (`IdempotentReply.storeIn`): the
 * lease would otherwise hand a request that died between its commit and its stored reply to a retry
 * that runs the work again. Whichever run of a key answers first keeps its reply; the others answer it.
 */
export async function withIdempotency(
  db: Db,
  scope: string,
  key: string,
  request: unknown,
  work: (idempotency: IdempotentReply) => Promise<Reply>,
  leaseMs = DEFAULT_IDEMPOTENCY_LEASE_MS,
  crashHook?: CrashHook,
): Promise<Reply> {
  const requestHash = sha256(JSON.stringify(request ?? null));
  const claimed =
    (await claimIdempotencyKey(db, scope, key, requestHash)) || (await takeOverStaleIdempotencyKey(db, scope, key, requestHash, leaseMs));
  if (!claimed) {
    const replayed = await replay(db, scope, key, requestHash, leaseMs);
    if (replayed !== 'taken_over') return replayed;
  }

  let storedWithWork = false;
  const idempotency: IdempotentReply = {
    storeIn: async (trx, reply) => {
      if (!(await completeIdempotencyKey(trx, scope, key, stored(reply)))) throw new AnsweredMeanwhile();
      storedWithWork = true;
    },
  };
  let reply: Reply;
  try {
    reply = await work(idempotency);
  } catch (err) {
    // Another run of this key answered while this one worked: its reply stands (this work rolled back).
    if (err instanceof AnsweredMeanwhile) return answerOf(db, scope, key);
    // Rate limits and outages are transient: the client should be able to retry under the same key.
    // (A reply stored with the work stays: that work committed, so a retry must not run it again.)
    if (!(err instanceof AppError) || err.kind === 'rate_limited' || err.kind === 'unavailable') {
      await releaseIdempotencyKey(db, scope, key);
      throw err;
    }
    reply = { status: statusOf(err), body: toProblem(err), contentType: 'application/problem+json' };
    // Whether a reply stored with the work rolled back with it or committed, the store below tells.
    storedWithWork = false;
  }
  crashHook?.('idempotency.after_work');
  if (storedWithWork || (await completeIdempotencyKey(db, scope, key, stored(reply)))) return reply;
  // Answered already: by this work's own commit before it failed, or by a retry that took over the
  // lease of this (slow) run. One answer per key.
  return answerOf(db, scope, key);
}

/** `storeIn` found its key answered by another run of it; the work's transaction rolls back. */
class AnsweredMeanwhile extends Error {
  constructor() {
    super('This Idempotency-Key was answered by another run of the same request.');
  }
}

const stored = (reply: Reply) => ({
  statusCode: reply.status,
  responseBody: JSON.stringify({ contentType: reply.contentType, body: reply.body ?? null }),
});

async function replay(db: Db, scope: string, key: string, requestHash: string, leaseMs: number): Promise<Reply | 'taken_over'> {
  for (let waited = 0; waited <= WAIT_LIMIT_MS; waited += WAIT_STEP_MS) {
    const row = await findIdempotencyKey(db, scope, key);
    if (!row) throw new AppError('conflict', 'idempotency_retry', 'The first request with this Idempotency-Key failed; retry it.');
    if (row.requestHash !== requestHash) {
      throw unprocessable('idempotency_key_reused', 'This Idempotency-Key was used with a different request.', {
        errors: [{ field: 'Idempotency-Key', message: 'already used with a different request body' }],
      });
    }
    if (row.completedAt && row.statusCode !== null) return storedReply(row.statusCode, row.responseBody);
    // The holder's lease may run out while we wait: then this request is the retry that takes over.
    if (Date.now() - row.claimedAt.getTime() >= leaseMs && (await takeOverStaleIdempotencyKey(db, scope, key, requestHash, leaseMs))) {
      return 'taken_over';
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
  throw new AppError('conflict', 'idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.');
}

function storedReply(statusCode: number, responseBody: unknown): Reply {
  const { contentType, body } = responseBody as { contentType?: string; body: unknown };
  return { status: statusCode, body: body ?? undefined, contentType, headers: { 'Idempotent-Replayed': 'true' } };
}

/** The stored reply of a key known to be answered. */
async function answerOf(db: Db, scope: string, key: string): Promise<Reply> {
  const row = await findIdempotencyKey(db, scope, key);
  if (!row?.completedAt || row.statusCode === null) throw new Error(`Idempotency-Key ${scope} ${key} has no stored reply`);
  return storedReply(row.statusCode, row.responseBody);
}
