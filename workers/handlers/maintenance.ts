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

/** Removes the stored objects a commit let go of; removing one already gone is no error, so a retry is safe. */
export const deleteStoredObjects: JobHandler<'storage.delete_objects'> = async (deps, { keys }) => {
  for (const key of keys) await deps.storage.delete(key);
  return { deleted: keys.length };
};
