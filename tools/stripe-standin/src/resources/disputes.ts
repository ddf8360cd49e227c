import { NO_REQUEST, type ApiContext, type Engine, type RequestRef } from '../engine';
import { invalidRequest, noSuch } from '../errors';
import { newId } from '../ids';
import { LIST_PARAMS, paginate } from '../list';
import { DISPUTE_EVIDENCE_FIELDS, type DisputeEvidence, type DisputeObj } from '../objects';
import { mergeMetadata, ParamReader } from '../params';
import { route, type Route } from '../router';
import { DISPUTE_FEE, recordBalanceTransaction } from './balance';
import { requireCharge } from './charges';

const OPEN_STATUSES: ReadonlyArray<DisputeObj['status']> = ['needs_response', 'under_review'];

export interface DisputeInput {
  amount?: number;
  reason?: string;
}

function emptyEvidence(): DisputeEvidence {
  const fields = Object.fromEntries(DISPUTE_EVIDENCE_FIELDS.map((field) => [field, null]));
  return { ...(fields as Record<(typeof DISPUTE_EVIDENCE_FIELDS)[number], null>), enhanced_evidence: {} };
}

export function hasOpenDispute(engine: Engine, chargeId: string): boolean {
  return engine.store.all('dispute').some((d) => d.charge === chargeId && OPEN_STATUSES.includes(d.status));
}

/**
 * Simulates a cardholder's chargeback (Stripe's test card 4000000000000259): the disputed
 * amount and the dispute fee leave the platform balance and `charge.dispute.created` is sent.
 */
export function createDispute(engine: Engine, chargeId: string, input: DisputeInput = {}): DisputeObj {
  const charge = requireCharge(engine, chargeId, 'charge', 400);
  if (charge.status !== 'succeeded') throw invalidRequest(`Charge ${chargeId} did not succeed and cannot be disputed.`);
  if (charge.disputed) throw invalidRequest(`Charge ${chargeId} has already been disputed.`);
  const amount = input.amount ?? charge.amount - charge.amount_refunded;
  if (!Number.isInteger(amount) || amount < 1 || amount > charge.amount) {
    throw invalidRequest(`Dispute amount must be an integer between 1 and ${charge.amount}.`, { param: 'amount' });
  }
  const now = engine.now();
  const id = newId('dp');
  const withdrawal = recordBalanceTransaction(engine, {
    amount: -amount,
    fee: DISPUTE_FEE,
    currency: charge.currency,
    type: 'adjustment',
    reportingCategory: 'dispute',
    source: id,
    description: `Chargeback withdrawal for ${charge.id}`,
  });
  const dispute = engine.store.insert('dispute', {
    id,
    object: 'dispute',
    amount,
    balance_transactions: [withdrawal],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: emptyEvidence(),
    evidence_details: {
      due_by: now + 7 * 86_400,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason: input.reason ?? 'fraudulent',
    status: 'needs_response',
  });
  charge.disputed = true;
  engine.emit('charge.dispute.created', dispute, NO_REQUEST);
  return dispute;
}

function requireDispute(engine: Engine, id: string): DisputeObj {
  const dispute = engine.store.get('dispute', id);
  if (!dispute) throw noSuch('dispute', id, 'dispute');
  return dispute;
}

/** Ends a dispute: `won` returns the funds, `lost` keeps them withdrawn; sends `charge.dispute.closed`. */
export function closeDispute(engine: Engine, id: string, status: 'won' | 'lost', request: RequestRef = NO_REQUEST): DisputeObj {
  const dispute = requireDispute(engine, id);
  if (!OPEN_STATUSES.includes(dispute.status)) {
    throw invalidRequest(`This dispute is already closed (status ${dispute.status}).`);
  }
  const previous = { status: dispute.status };
  if (status === 'won') {
    dispute.balance_transactions.push(
      recordBalanceTransaction(engine, {
        amount: dispute.amount,
        fee: -DISPUTE_FEE,
        currency: dispute.currency,
        type: 'adjustment',
        reportingCategory: 'dispute_reversal',
        source: dispute.id,
        description: `Chargeback reversal for ${dispute.charge}`,
      }),
    );
  }
  dispute.status = status;
  engine.emit('charge.dispute.closed', dispute, request, previous);
  return dispute;
}

export const disputeRoutes: Route[] = [
  route('GET', '/v1/disputes/:id', ({ engine }, { path, params }) => {
    new ParamReader(params, []);
    return requireDispute(engine, path.id);
  }),
  route('POST', '/v1/disputes/:id', ({ engine }, { path, params }) => {
    const reader = new ParamReader(params, ['metadata', 'evidence', 'submit']);
    const dispute = requireDispute(engine, path.id);
    dispute.metadata = mergeMetadata(dispute.metadata, reader.metadata());
    return dispute;
  }),
  // Accepting a dispute (Stripe's "close") concedes it: the dispute is lost.
  route('POST', '/v1/disputes/:id/close', (ctx: ApiContext, { path, params }) => {
    new ParamReader(params, []);
    return closeDispute(ctx.engine, path.id, 'lost', ctx.request);
  }),
  route('GET', '/v1/disputes', ({ engine }, { params }) => {
    const reader = new ParamReader(params, [...LIST_PARAMS, 'charge', 'payment_intent']);
    const charge = reader.string('charge');
    const intent = reader.string('payment_intent');
    const items = engine.store
      .all('dispute')
      .filter((d) => (!charge || d.charge === charge) && (!intent || d.payment_intent === intent));
    return paginate(engine.store, reader, items, '/v1/disputes');
  }),
];
