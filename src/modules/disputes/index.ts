/** Public surface of the disputes module. */
export { openDispute, type OpenDisputeInput } from './open-dispute';
export { openPartyDispute } from './open-party-dispute';
export { resolveDispute, type ResolveInput } from './resolve-dispute';
export { escalateTransaction, sweepOverdueEscrows, ESCALATION_REASON, type EscalationOutcome } from './escalation';
export { assertPartialRefund, sellerPayoutAfterPartialRefund } from './partial-refund';
export { presentDispute, type DisputeRow, type PresentedDispute } from './disputes.presenter';
export { disputesRepository, type StaffDisputeFilter } from './disputes.repository';
export { DisputeSchema, ResolveDisputeBody, DisputeIdParams, DISPUTE_REASONS } from './disputes.schemas';
