import { randomUUID } from 'node:crypto';
import { readIdempotencyKey, withIdempotency } from '../../src/http/idempotency';
import type { Reply } from '../../src/http/route';
import { AppError, conflict } from '../../src/shared/errors';
import { createTestEnv, type TestEnv } from '../support/harness';

// No route declares `idempotent` yet, so the middleware is driven directly against the real database.
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
