import { sql } from 'kysely';
import type { JobHandler } from '../registry';

/** Deletes expired OTPs, week-old idempotency keys and published outbox rows; safe to run any time. */
export const cleanup: JobHandler<'maintenance.cleanup'> = async (deps) => {
  const otps = await deps.db.deleteFrom('phoneOtps').where('expiresAt', '<', sql<Date>`now() - interval '1 day'`).executeTakeFirst();
  const keys = await deps.db.deleteFrom('idempotencyKeys').where('createdAt', '<', sql<Date>`now() - interval '7 days'`).executeTakeFirst();
  const outbox = await deps.db.deleteFrom('outbox').where('publishedAt', '<', sql<Date>`now() - interval '7 days'`).executeTakeFirst();
  return { otps: Number(otps.numDeletedRows), idempotencyKeys: Number(keys.numDeletedRows), outbox: Number(outbox.numDeletedRows) };
};
