import { escalateTransaction, sweepOverdueEscrows } from '../../src/modules/disputes';
import { parseInput } from '../../src/http/validate';
import { z } from '../../src/shared/zod';
import type { JobHandler } from '../registry';

const EscalateData = z.object({ transactionId: z.uuid() });

/** `dispute.escalate`: opens the automatic dispute of a transaction left unverified (re-checked under lock). */
export const escalate: JobHandler = async (deps, job) => {
  const { transactionId } = parseInput(EscalateData, job.data, 'payload');
  return { outcome: await escalateTransaction(deps, transactionId) };
};

/** `dispute.sweep`: repeating safety net for overdue unverified escrows whose delayed job was lost. */
export const sweep: JobHandler = async (deps) => sweepOverdueEscrows(deps);
