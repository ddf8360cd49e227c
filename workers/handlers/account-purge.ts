import { purgeDeletedAccounts } from '../../src/flows/account-lifecycle';
import type { JobHandler } from '../registry';

/** Purges the accounts whose 30-day restore window has passed, in batches; a repeat run finds nothing left. */
export const purgeAccounts: JobHandler<'maintenance.purge_accounts'> = async (deps) => purgeDeletedAccounts(deps, deps.clock.now());
