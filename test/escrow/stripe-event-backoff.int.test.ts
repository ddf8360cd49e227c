import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { processStripeEvent, STRIPE_EVENT_MAX_ATTEMPTS } from '../../src/flows/process-stripe-event';
import { escrowRepository } from '../../src/modules/escrow/escrow.repository';
import { createStripeTestEnv, type StripeTestEnv } from '../support/stripe';

// Issue #10: a webhook whose Stripe object cannot be fetched was re-queued by the sweep every minute forever.
let env: StripeTestEnv;
beforeAll(async () => {
  env = await createStripeTestEnv({ workers: false });
});
afterAll(async () => {
  await env.close();
});

const row = (id: string) => env.deps.db.selectFrom('stripeEvents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const swept = async (id: string) => (await escrowRepository.unprocessedStripeEvents(env.deps.db, 10_000)).some((e) => e.id === id);

async function storeUnfetchable(): Promise<string> {
  const id = `evt_missing_${randomBytes(8).toString('hex')}`;
  await env.deps.db
    .insertInto('stripeEvents')
    .values({ id, type: 'payment_intent.succeeded', objectId: `pi_missing_${randomBytes(6).toString('hex')}`, receivedAt: new Date(Date.now() - 10 * 60_000) })
    .execute();
  return id;
}

describe('a stored Stripe event whose object cannot be fetched', () => {
  it('backs off after each failed attempt, so the sweep stops re-queuing it every minute', async () => {
    const id = await storeUnfetchable();
    expect(await swept(id)).toBe(true);
    await expect(processStripeEvent(env.deps, id)).rejects.toThrow();
    const first = await row(id);
    expect(first).toMatchObject({ attempts: 1, failedAt: null, processedAt: null });
    expect(first.lastError).toBeTruthy();
    expect(first.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);
    expect(await swept(id)).toBe(false);

    // Backoff grows: the next wait is longer than the first.
    await env.deps.db.updateTable('stripeEvents').set({ nextAttemptAt: sql<Date>`now() - interval '1 second'` }).where('id', '=', id).execute();
    expect(await swept(id)).toBe(true);
    await expect(processStripeEvent(env.deps, id)).rejects.toThrow();
    const second = await row(id);
    expect(second.attempts).toBe(2);
    expect(second.nextAttemptAt!.getTime() - Date.now()).toBeGreaterThan(first.nextAttemptAt!.getTime() - Date.now() + 30_000);
  });

  it('is marked failed after the last attempt: never swept again, and processing it is a no-op', async () => {
    const id = await storeUnfetchable();
    await env.deps.db.updateTable('stripeEvents').set({ attempts: STRIPE_EVENT_MAX_ATTEMPTS - 1 }).where('id', '=', id).execute();
    await expect(processStripeEvent(env.deps, id)).rejects.toThrow();
    const failed = await row(id);
    expect(failed.attempts).toBe(STRIPE_EVENT_MAX_ATTEMPTS);
    expect(failed.failedAt).not.toBeNull();
    await env.deps.db.updateTable('stripeEvents').set({ nextAttemptAt: sql<Date>`now() - interval '1 second'` }).where('id', '=', id).execute();
    expect(await swept(id)).toBe(false);
    expect(await processStripeEvent(env.deps, id)).toBe('failed');
  });
});
