import type { Selectable } from 'kysely';
import type { DisputesTable } from '../../../db/schema';

export type DisputeRow = Selectable<DisputesTable>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A dispute as its parties and staff see it. */
export function presentDispute(d: DisputeRow) {
  return {
    id: d.id,
    transactionId: d.transactionId,
    source: d.source,
    openedBy: d.openedBy,
    reason: d.reason,
    details: d.details,
    status: d.status,
    resolution: d.resolution,
    refundCents: d.refundCents,
    resolutionNote: d.resolutionNote,
    resolvedBy: d.resolvedBy,
    resolvedAt: iso(d.resolvedAt),
    createdAt: d.createdAt.toISOString(),
  };
}

export type PresentedDispute = ReturnType<typeof presentDispute>;
