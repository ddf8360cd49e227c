import { escalateTransaction, sweepOverdueEscrows } from '../../src/modules/disputes';
import type { JobHandler } from '../registry';

/** `dispute.escalate`: opens the automatic dispute of a transaction left unverified (re-checked under lock). */
export const escalate: JobHandler<'dispute.escalate'> = async (deps, { transactionId }) => ({ outcome: await escalateTransaction(deps, transactionId) });

/** `dispute.sweep`: repeating safety net for overdue unverified escrows whose delayed job was lost. */
export const sweep: JobHandler<'dispute.sweep'> = async (deps) => sweepOverdueEscrows(deps);
