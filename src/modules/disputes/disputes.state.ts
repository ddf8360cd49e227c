import { conflict } from '../../shared/errors';

export type DisputeStatus = 'open' | 'resolved';

/** A dispute is opened once and resolved once; a resolved dispute is final (a new one may be opened). */
export const DISPUTE_TRANSITIONS: Readonly<Record<DisputeStatus, readonly DisputeStatus[]>> = {
  open: ['resolved'],
  resolved: [],
};

/** Throws a 409 unless `from → to` is allowed. */
export function assertDisputeTransition(from: DisputeStatus, to: DisputeStatus): void {
  if (!DISPUTE_TRANSITIONS[from].includes(to))
    throw conflict('dispute_not_open', `A ${from} dispute cannot become ${to}.`, { disputeStatus: from });
}
