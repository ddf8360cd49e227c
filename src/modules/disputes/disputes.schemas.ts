import { z } from '../../shared/zod';

/** Why a party opens a dispute (escalation and chargeback disputes carry their own reasons). */
export const DISPUTE_REASONS = ['item_not_as_described', 'no_show', 'damaged', 'not_received', 'payment_issue', 'other'] as const;
export const MAX_DISPUTE_DETAILS = 5000;

export const OpenDisputeBody = z
  .strictObject({
    reason: z.enum(DISPUTE_REASONS),
    details: z.string().trim().min(1, 'describe what happened').max(MAX_DISPUTE_DETAILS, `at most ${MAX_DISPUTE_DETAILS} characters`),
  })
  .openapi('OpenDispute');

export const ResolveDisputeBody = z
  .strictObject({
    resolution: z.enum(['release', 'refund', 'partial_refund']),
    // Range rules (0 < x < amount, positive seller payout) are business rules: 422, not 400.
    amountCents: z.number().int().optional(),
    note: z.string().trim().min(1, 'explain the decision to the parties').max(MAX_DISPUTE_DETAILS),
  })
  .openapi('ResolveDispute');

export const DisputeSchema = z
  .object({
    id: z.uuid(),
    transactionId: z.uuid(),
    source: z.enum(['party', 'chargeback', 'escalation']),
    openedBy: z.uuid().nullable(),
    reason: z.string(),
    details: z.string(),
    status: z.enum(['open', 'resolved']),
    resolution: z.enum(['release', 'refund', 'partial_refund']).nullable(),
    refundCents: z.number().int().nullable(),
    resolutionNote: z.string().nullable(),
    resolvedBy: z.uuid().nullable(),
    resolvedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Dispute');

export const DisputeIdParams = z.object({ id: z.uuid() });
