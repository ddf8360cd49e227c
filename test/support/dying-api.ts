import { sql } from 'kysely';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { CrashPoints } from './crash-points';
import type { TestEnv } from './harness';

type Api = ReturnType<typeof request>;

/**
 * For an idempotent route's crash test: a second api process on the same database whose request dies
 * at `idempotency.after_work` (its work committed, its reply not stored after it). `dieAfterWork` sends
 * a request there, checks it died at that point, and ages the key's claim past the lease, as a client
 * retrying much later finds it: the next request under `key` takes the claim over.
 */
export function useDyingApi(env: () => Pick<TestEnv, 'deps' | 'sibling'>) {
  const crashes = new CrashPoints();
  let dying: Api;
  beforeAll(async () => {
    dying = request(buildApp(await env().sibling({ crashHook: crashes.hook })));
  });
  afterEach(() => crashes.reset());
  return {
    async dieAfterWork(key: string, send: (api: Api) => PromiseLike<unknown>): Promise<void> {
      crashes.arm('idempotency.after_work');
      await send(dying); // the client never hears back
      expect(crashes.hits()).toEqual(['idempotency.after_work']);
      await env()
        .deps.db.updateTable('idempotencyKeys')
        .set({ claimedAt: sql<Date>`now() - interval '1 day'` })
        .where('key', '=', key)
        .execute();
    },
  };
}
