import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Trx } from '../../db/connection';
import { readIdempotencyKey, withIdempotency } from '../../src/http/idempotency';
import type { IdempotentReply, Reply } from '../../src/http/route';
import { AppError, conflict } from '../../src/shared/errors';
import { completeIdempotencyKey, findIdempotencyKey } from '../../src/shared/idempotency.repository';
import { CrashPoints } from '../support/crash-points';
import { createTestEnv, type TestEnv } from '../support/harness';

// `withIdempotency` is driven directly against the real database (the routes that declare `idempotent` have their own tests).
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const scope = () => `user-${randomUUID()}:post:/v1/listings/:id/buy-now`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A unit of work that counts its runs and answers 201 with the run number. */
function counter(delayMs = 0) {
  const state = { runs: 0 };
  const work = async (): Promise<Reply> => {
    state.runs += 1;
    const run = state.runs;
    await sleep(delayMs);
    return { status: 201, body: { purchaseId: `p-${run}`, run } };
  };
  return { state, work };
}

describe('withIdempotency', () => {
  it('runs the work once and answers a replay with the stored reply', async () => {
    const s = scope();
    const { state, work } = counter();
    const first = await withIdempotency(env.deps.db, s, 'key-1', { body: { amountCents: 500 } }, work);
    const replay = await withIdempotency(env.deps.db, s, 'key-1', { body: { amountCents: 500 } }, work);
    expect(first).toEqual({ status: 201, body: { purchaseId: 'p-1', run: 1 } });
    expect(replay).toMatchObject({ status: 201, body: { purchaseId: 'p-1', run: 1 }, headers: { 'Idempotent-Replayed': 'true' } });
    expect(state.runs).toBe(1);
  });

  it('runs the work once when the same request arrives twice at the same time', async () => {
    const s = scope();
    const { state, work } = counter(150);
    const request = { body: { amountCents: 500 } };
    const [a, b] = await Promise.all([
      withIdempotency(env.deps.db, s, 'k', request, work),
      withIdempotency(env.deps.db, s, 'k', request, work),
    ]);
    expect(state.runs).toBe(1);
    expect(a.body).toEqual(b.body);
    expect([a.headers?.['Idempotent-Replayed'], b.headers?.['Idempotent-Replayed']].filter(Boolean)).toEqual(['true']);
  });

  it('refuses the same key with a different request: 422 idempotency_key_reused', async () => {
    const s = scope();
    const { state, work } = counter();
    await withIdempotency(env.deps.db, s, 'k', { body: { amountCents: 500 } }, work);
    const reuse = withIdempotency(env.deps.db, s, 'k', { body: { amountCents: 900 } }, work);
    await expect(reuse).rejects.toMatchObject({ kind: 'unprocessable', code: 'idempotency_key_reused' });
    expect(state.runs).toBe(1);
  });

  it('keeps keys apart per scope (user and route)', async () => {
    const { state, work } = counter();
    await withIdempotency(env.deps.db, scope(), 'same-key', { body: {} }, work);
    await withIdempotency(env.deps.db, scope(), 'same-key', { body: { other: true } }, work);
    expect(state.runs).toBe(2);
  });

  it('stores a refusal (AppError) like any answer: the retry gets the same problem without running again', async () => {
    const s = scope();
    let runs = 0;
    const work = async (): Promise<Reply> => {
      runs += 1;
      throw conflict('listing_sold', 'Someone bought it first.');
    };
    const first = await withIdempotency(env.deps.db, s, 'k', { body: {} }, work);
    const replay = await withIdempotency(env.deps.db, s, 'k', { body: {} }, work);
    expect(first).toMatchObject({ status: 409, contentType: 'application/problem+json', body: { status: 409, code: 'listing_sold' } });
    expect(replay).toMatchObject({ status: 409, contentType: 'application/problem+json', body: { code: 'listing_sold' } });
    expect(runs).toBe(1);
  });

  it.each([
    ['an unexpected error', () => new Error('connection reset')],
    ['a rate limit', () => new AppError('rate_limited', 'rate_limited', 'slow down', { retryAfterSec: 1 })],
  ])('releases the key after %s so a retry runs the work', async (_what, makeError) => {
    const s = scope();
    let runs = 0;
    const flaky = async (): Promise<Reply> => {
      runs += 1;
      if (runs === 1) throw makeError();
      return { status: 201, body: { ok: true } };
    };
    await expect(withIdempotency(env.deps.db, s, 'k', { body: {} }, flaky)).rejects.toBeInstanceOf(Error);
    const retry = await withIdempotency(env.deps.db, s, 'k', { body: {} }, flaky);
    expect(retry).toEqual({ status: 201, body: { ok: true } });
    expect(runs).toBe(2);
  });

  it('tells a concurrent duplicate to retry when the first attempt failed', async () => {
    const s = scope();
    const failing = async (): Promise<Reply> => {
      await sleep(150);
      throw new Error('boom');
    };
    const first = withIdempotency(env.deps.db, s, 'k', { body: {} }, failing);
    await sleep(30);
    const second = withIdempotency(env.deps.db, s, 'k', { body: {} }, failing);
    await expect(first).rejects.toThrow('boom');
    await expect(second).rejects.toMatchObject({ kind: 'conflict', code: 'idempotency_retry' });
  });
});

describe('withIdempotency: the reply stored with the work', () => {
  const crashes = new CrashPoints();
  afterEach(() => crashes.reset());
  const lease = 60_000;

  /** The work's side effect: a row its own transaction writes (any table does; this one is at hand). */
  const effect = (trx: Trx, s: string) => trx.insertInto('idempotencyKeys').values({ scope: `${s}:effect`, key: randomUUID(), requestHash: 'x' }).execute();
  const effectsOf = async (s: string) =>
    (await env.deps.db.selectFrom('idempotencyKeys').select('key').where('scope', '=', `${s}:effect`).execute()).length;
  const expire = (s: string) =>
    env.deps.db.updateTable('idempotencyKeys').set({ claimedAt: sql<Date>`now() - interval '1 day'` }).where('scope', '=', s).execute();

  /** Commits its effect and its 201 in one transaction, as a money route does. */
  function committing(s: string, before?: () => Promise<void>) {
    const state = { runs: 0 };
    const work = async (idempotency: IdempotentReply): Promise<Reply> => {
      state.runs += 1;
      const reply = { status: 201, body: { run: state.runs } };
      await env.deps.db.transaction().execute(async (trx) => {
        await effect(trx, s);
        await before?.();
        await idempotency.storeIn(trx, reply);
      });
      return reply;
    };
    return { state, work };
  }

  it('a request that dies right after its commit leaves its reply: the retry after the lease replays it, the work ran once', async () => {
    const s = scope();
    const { state, work } = committing(s);
    crashes.arm('idempotency.after_work');
    await expect(withIdempotency(env.deps.db, s, 'k', { body: {} }, work, lease, crashes.hook)).rejects.toThrow('simulated crash');
    await expire(s);
    const retry = await withIdempotency(env.deps.db, s, 'k', { body: {} }, work, lease, crashes.hook);
    expect(retry).toMatchObject({ status: 201, body: { run: 1 }, headers: { 'Idempotent-Replayed': 'true' } });
    expect(state.runs).toBe(1);
    expect(await effectsOf(s)).toBe(1);
  });

  it('a request that fails after its work committed the reply keeps the key answered: the retry replays it', async () => {
    const s = scope();
    const { work } = committing(s);
    const failingAfterCommit = async (idempotency: IdempotentReply): Promise<Reply> => {
      await work(idempotency);
      throw new Error('connection reset after commit');
    };
    await expect(withIdempotency(env.deps.db, s, 'k', { body: {} }, failingAfterCommit, lease)).rejects.toThrow('connection reset');
    const replay = await withIdempotency(env.deps.db, s, 'k', { body: {} }, failingAfterCommit, lease);
    expect(replay).toMatchObject({ status: 201, body: { run: 1 }, headers: { 'Idempotent-Replayed': 'true' } });
    expect(await effectsOf(s)).toBe(1);
  });

  it('a slow request whose key a retry answered meanwhile rolls its work back and answers that reply', async () => {
    const s = scope();
    // While the slow holder is inside its transaction, a retry that took its lease over finishes first.
    const { work } = committing(s, async () => {
      await completeIdempotencyKey(env.deps.db, s, 'k', { statusCode: 201, responseBody: JSON.stringify({ body: { run: 'retry' } }) });
    });
    const slow = await withIdempotency(env.deps.db, s, 'k', { body: {} }, work, lease);
    expect(slow).toMatchObject({ status: 201, body: { run: 'retry' }, headers: { 'Idempotent-Replayed': 'true' } });
    expect(await effectsOf(s)).toBe(0);
    expect(await findIdempotencyKey(env.deps.db, s, 'k')).toMatchObject({ statusCode: 201, responseBody: { body: { run: 'retry' } } });
  });

  it('a slow request that stores its reply after the work keeps the first answer of its key, not its own', async () => {
    const s = scope();
    const slow = async (): Promise<Reply> => {
      await completeIdempotencyKey(env.deps.db, s, 'k', { statusCode: 200, responseBody: JSON.stringify({ body: { run: 'retry' } }) });
      return { status: 200, body: { run: 'slow' } };
    };
    const answer = await withIdempotency(env.deps.db, s, 'k', { body: {} }, slow, lease);
    expect(answer).toMatchObject({ status: 200, body: { run: 'retry' }, headers: { 'Idempotent-Replayed': 'true' } });
    const replay = await withIdempotency(env.deps.db, s, 'k', { body: {} }, slow, lease);
    expect(replay).toMatchObject({ body: { run: 'retry' } });
  });
});

describe('readIdempotencyKey', () => {
  it('accepts a UUID and absent keys, refuses malformed ones with 400 naming the header', () => {
    const key = randomUUID();
    expect(readIdempotencyKey(key)).toBe(key);
    expect(readIdempotencyKey(undefined)).toBeUndefined();
    for (const bad of ['', 'has space', 'x'.repeat(201), 'ünïcode']) {
      expect(() => readIdempotencyKey(bad)).toThrow(expect.objectContaining({ kind: 'invalid', code: 'invalid_idempotency_key' }));
    }
  });
});
