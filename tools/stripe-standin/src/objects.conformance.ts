/**
 * Compile-time proof that the stand-in's objects have the shape the SDK's types promise for
 * the pinned API version: `tsc` fails here when Stripe adds a required field or changes an enum
 * that our objects do not follow. Type-only; nothing is emitted.
 */
import type Stripe from 'stripe';
import type * as O from './objects';

type Conforms<Ours extends Theirs, Theirs> = [Ours, Theirs];

export type ObjectConformance = [
  Conforms<O.AccountObj, Stripe.Account>,
  Conforms<O.PaymentMethodObj, Stripe.PaymentMethod>,
  Conforms<O.PaymentIntentObj, Stripe.PaymentIntent>,
  Conforms<O.ChargeObj, Stripe.Charge>,
  Conforms<O.TransferObj, Stripe.Transfer>,
  Conforms<O.TransferReversalObj, Stripe.TransferReversal>,
  Conforms<O.RefundObj, Stripe.Refund>,
  Conforms<O.DisputeObj, Stripe.Dispute>,
  Conforms<O.BalanceTransactionObj, Stripe.BalanceTransaction>,
  // Event is a union discriminated by `type`; check the envelope against one member.
  Conforms<O.EventObj & { type: 'account.updated'; data: { object: Stripe.Account } }, Stripe.AccountUpdatedEvent>,
];
