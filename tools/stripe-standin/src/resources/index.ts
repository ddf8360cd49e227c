import type { Route } from '../router';
import { accountRoutes } from './accounts';
import { balanceRoutes } from './balance';
import { chargeRoutes } from './charges';
import { disputeRoutes } from './disputes';
import { eventRoutes } from './events';
import { paymentIntentRoutes } from './payment-intents';
import { refundRoutes } from './refunds';
import { transferRoutes } from './transfers';

/** Every `/v1` endpoint the stand-in implements. */
export const API_ROUTES: readonly Route[] = [
  ...accountRoutes,
  ...paymentIntentRoutes,
  ...chargeRoutes,
  ...transferRoutes,
  ...refundRoutes,
  ...disputeRoutes,
  ...eventRoutes,
  ...balanceRoutes,
];

export { setAccountEnabled } from './accounts';
export { closeDispute, createDispute, type DisputeInput } from './disputes';
export { confirmIntent } from './confirm';
export { requireIntent } from './payment-intents';
