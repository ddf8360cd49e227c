import { deleteExpiredOtps } from '../../src/modules/auth';
import { deleteOldIdempotencyKeys } from '../../src/shared/idempotency.repository';
import { deletePublishedOutbox } from '../../src/shared/outbox.repository';
import type { JobHandler } from '../registry';

/** Deletes expired OTPs, week-old idempotency keys and published outbox rows; safe to run any time. */
export const cleanup: JobHandler<'maintenance.cleanup'> = async (deps) => {
  const otps = await deleteExpiredOtps(deps.db);
  const idempotencyKeys = await deleteOldIdempotencyKeys(deps.db);
  const outbox = await deletePublishedOutbox(deps.db);
  return { otps, idempotencyKeys, outbox };
};
