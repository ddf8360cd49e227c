import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { withIdempotency } from '../../src/http/idempotency';
import type { Reply } from '../../src/http/route';
import { sha256 } from '../../src/shared/crypto';
import { claimIdempotencyKey } from '../../src/shared/idempotency.repository';
import { createTestEnv, type TestEnv } from '../support/harness';

// Issue #10: a request that died after claiming its Idempotency-Key left the key answering 409 for a
// week. A claim older than the lease (IDEMPOTENCY_LEASE_MS) may be taken over by a retry.
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const scope = () => `user-${randomUUID()}:post:/v1/transactions/:id/pay`;
const request = { params: { id: 'tx-1' }, body: { paymentMethodId: 'pm_card_visa' } };
const hashOf = (r: unknown) => sha256(JSON.stringify(r));

function counter() {
  const state = { runs: 0 };
  const work = async (): Promise<Reply> => {
    state.runs += 1;
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { status: 200, body: { run: state.runs } };
  };
  return { state, work };
}

/** What a request that died mid-flight leaves behind: a claim, never completed, claimed `ageMs` ago. */
async function deadClaim(s: string, key: string, ageMs: number, r: unknown = request): Promise<void> {
  expect(await claimIdempotencyKey(env.deps.db, s, key, hashOf(r))).toBe(true);
  await env.deps.db
    .updateTable('idempotencyKeys')
    .set({ claimedAt: sql<Date>`now() - ${ageMs} * interval '1 millisecond'` })
    .where('scope', '=', s)
    .where('key', '=', key)
    .execute();
}

describe('Idempotency-Key lease', () => {
  it('a retry takes over a claim older than the lease, runs once and stores its reply for later replays', async () => {
    const s = scope();
    await deadClaim(s, 'k', 120_000);
    const { state, work } = counter();
    const retry = await withIdempotency(env.deps.db, s, 'k', request, work, 60_000);
    expect(retry).toEqual({ status: 200, body: { run: 1 } });
    const replay = await withIdempotency(env.deps.db, s, 'k', request, work, 60_000);
    expect(replay).toMatchObject({ status: 200, body: { run: 1 }, headers: { 'Idempotent-Replayed': 'true' } });
    expect(state.runs).toBe(1);
  });

  it('a retry waiting on a fresh claim takes over once the lease runs out', async () => {
    const s = scope();
    await deadClaim(s, 'k', 0);
    const { state, work } = counter();
    const started = Date.now();
    const retry = await withIdempotency(env.deps.db, s, 'k', request, work, 1_000);
    expect(retry).toEqual({ status: 200, body: { run: 1 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(state.runs).toBe(1);
  });

  it('two retries of the same dead claim run the work once', async () => {
    const s = scope();
    await deadClaim(s, 'k', 120_000);
    const { state, work } = counter();
    const [a, b] = await Promise.all([
      withIdempotency(env.deps.db, s, 'k', request, work, 60_000),
      withIdempotency(env.deps.db, s, 'k', request, work, 60_000),
    ]);
    expect(state.runs).toBe(1);
    expect(a.body).toEqual(b.body);
  });

  it('a different request under a dead claim is still refused with 422', async () => {
    const s = scope();
    await deadClaim(s, 'k', 120_000);
    const { state, work } = counter();
    await expect(withIdempotency(env.deps.db, s, 'k', { ...request, body: { paymentMethodId: 'pm_other' } }, work, 60_000)).rejects.toMatchObject({
      kind: 'unprocessable',
      code: 'idempotency_key_reused',
    });
    expect(state.runs).toBe(0);
  });

  it('a completed key is never taken over, however old', async () => {
    const s = scope();
    const { state, work } = counter();
    await withIdempotency(env.deps.db, s, 'k', request, work, 60_000);
    await env.deps.db.updateTable('idempotencyKeys').set({ claimedAt: sql<Date>`now() - interval '1 day'` }).where('scope', '=', s).execute();
    const replay = await withIdempotency(env.deps.db, s, 'k', request, work, 60_000);
    expect(replay).toMatchObject({ body: { run: 1 }, headers: { 'Idempotent-Replayed': 'true' } });
    expect(state.runs).toBe(1);
  });
});
