/**
 * The shapes of the Stripe objects the stand-in keeps. Field names and nullability follow the
 * API (and the SDK's types) so responses deserialize into the same structures as real Stripe;
 * fields we never populate are still present with their "empty" values.
 */
import type { Base, ChargeObj, PaymentIntentObj, PaymentMethodObj } from './objects-payments';
import type { Metadata } from './params';

export type * from './objects-payments';

export type CapabilityStatus = 'active' | 'inactive' | 'pending';

export interface ListObject<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  total_count?: number;
  url: string;
}


export interface AccountObj extends Base {
  object: 'account';
  type: 'express' | 'standard' | 'custom';
  country: string;
  email: string | null;
  default_currency: string;
  business_type: string | null;
  capabilities: Record<string, CapabilityStatus>;
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  metadata: Metadata;
  requirements: {
    currently_due: string[];
    eventually_due: string[];
    past_due: string[];
    pending_verification: string[];
    disabled_reason: 'requirements.past_due' | null;
    current_deadline: number | null;
    alternatives: never[] | null;
    errors: never[] | null;
  };
  external_accounts: ListObject<never>;
}

export interface TransferReversalObj {
  id: string;
  object: 'transfer_reversal';
  amount: number;
  balance_transaction: string;
  created: number;
  currency: string;
  destination_payment_refund: string;
  metadata: Metadata;
  source_refund: null;
  transfer: string;
}

export interface TransferObj extends Base {
  object: 'transfer';
  amount: number;
  amount_reversed: number;
  balance_transaction: string;
  currency: string;
  description: string | null;
  destination: string;
  destination_payment: string;
  metadata: Metadata;
  reversals: ListObject<TransferReversalObj>;
  reversed: boolean;
  source_transaction: string | null;
  source_type: 'card';
  transfer_group: string | null;
}

export interface RefundObj {
  id: string;
  object: 'refund';
  amount: number;
  balance_transaction: string;
  charge: string;
  created: number;
  currency: string;
  customer: null;
  customer_account: null;
  metadata: Metadata;
  payment_intent: string;
  payment_method: string;
  reason: string | null;
  receipt_number: null;
  source_transfer_reversal: null;
  status: 'succeeded';
  transfer_reversal: null;
}

export const DISPUTE_EVIDENCE_FIELDS = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_communication',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'customer_signature',
  'duplicate_charge_documentation',
  'duplicate_charge_explanation',
  'duplicate_charge_id',
  'product_description',
  'receipt',
  'refund_policy',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'service_documentation',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_documentation',
  'shipping_tracking_number',
  'uncategorized_file',
  'uncategorized_text',
] as const;

/** Every evidence field Stripe returns, all empty until evidence is submitted. */
export type DisputeEvidence = Record<(typeof DISPUTE_EVIDENCE_FIELDS)[number], string | null> & {
  enhanced_evidence: Record<string, never>;
};

export type DisputeStatus = 'needs_response' | 'under_review' | 'won' | 'lost';

export interface DisputeObj extends Base {
  object: 'dispute';
  amount: number;
  balance_transactions: BalanceTransactionObj[];
  charge: string;
  currency: string;
  enhanced_eligibility_types: never[];
  evidence: DisputeEvidence;
  evidence_details: {
    due_by: number;
    enhanced_eligibility: Record<string, never>;
    has_evidence: boolean;
    past_due: boolean;
    submission_count: number;
    submission_method: 'not_submitted';
  };
  intended_submission_method: null;
  is_charge_refundable: boolean;
  metadata: Metadata;
  payment_intent: string;
  reason: string;
  status: DisputeStatus;
}

export interface BalanceTransactionObj {
  id: string;
  object: 'balance_transaction';
  amount: number;
  available_on: number;
  balance_type: 'payments';
  created: number;
  currency: string;
  description: string | null;
  exchange_rate: null;
  fee: number;
  fee_details: Array<{ amount: number; application: null; currency: string; description: string; type: string }>;
  net: number;
  reporting_category: string;
  source: string;
  status: 'available';
  type: string;
}

export interface EventObj {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: unknown; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

/** Every stored collection, keyed by the objects' `object` name. */
export interface ObjectMap {
  account: AccountObj;
  payment_method: PaymentMethodObj;
  payment_intent: PaymentIntentObj;
  charge: ChargeObj;
  transfer: TransferObj;
  transfer_reversal: TransferReversalObj;
  refund: RefundObj;
  dispute: DisputeObj;
  balance_transaction: BalanceTransactionObj;
  event: EventObj;
}

export type ObjectType = keyof ObjectMap;

export const OBJECT_TYPES: readonly ObjectType[] = [
  'account',
  'payment_method',
  'payment_intent',
  'charge',
  'transfer',
  'transfer_reversal',
  'refund',
  'dispute',
  'balance_transaction',
  'event',
];

export function isObjectType(value: string): value is ObjectType {
  return OBJECT_TYPES.some((t) => t === value);
}
