/** Public surface of the disputes module. */

/** Opening a dispute (party, chargeback, escalation) and staff resolution. */
export { openDispute, type OpenDisputeInput } from './open-dispute';
export { openPartyDispute } from './open-party-dispute';
export { resolveDispute, type ResolveInput } from './resolve-dispute';
/** Automatic escalation of unverified escrows (job handler and sweep). */
export { escalateTransaction, sweepOverdueEscrows, ESCALATION_REASON, type EscalationOutcome } from './escalation';
/** SPEC §1 partial-refund rule as a dispute decision sees it. */
export { assertPartialRefund, sellerPayoutAfterPartialRefund } from './partial-refund';
/** Reads, presentation and schemas (staff console, transaction detail, chargeback flow). */
export { presentDispute, type DisputeRow, type PresentedDispute } from './disputes.presenter';
export { disputesRepository, type StaffDisputeFilter } from './disputes.repository';
/** The disputes a user opened, for a privacy access request (SPEC §9 export). */
export { disputesOpenedBy } from './disputes.repository';
export { DisputeSchema, ResolveDisputeBody, DisputeIdParams, DISPUTE_REASONS } from './disputes.schemas';
