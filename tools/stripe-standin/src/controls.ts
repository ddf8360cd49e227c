import type { RequestLogEntry } from './api-server';
import { NO_REQUEST, type Engine } from './engine';
import { StripeFailure } from './errors';
import type { FaultQueue, FaultSpec } from './faults';
import type { IdempotencyKeys } from './idempotency';
import type { AccountObj, DisputeObj, ObjectMap, ObjectType, PaymentIntentObj } from './objects';
import { closeDispute, confirmIntent, createDispute, requireIntent, setAccountEnabled, type DisputeInput } from './resources';
import { snapshot } from './store';
import type { DeliveryOptions, DeliveryRecord, WebhookDispatcher } from './webhooks';

/** Test and development controls; the server object and `/_standin/*` both expose these. */
export interface StandInControls {
  /** Arms a fault for the next matching `/v1` request(s). */
  failNext(spec: FaultSpec): void;
  /** Disarms every fault still armed ("Stripe is back"), keeping objects and logs. */
  clearFaults(): void;
  /** Opens a chargeback on a succeeded charge (`charge.dispute.created`). */
  createDispute(chargeId: string, input?: DisputeInput): DisputeObj;
  /** Closes a dispute as won or lost (`charge.dispute.closed`). */
  closeDispute(disputeId: string, status: 'won' | 'lost'): DisputeObj;
  /**
   * Confirms like the buyer's device would. Returns the intent either way: a decline shows as
   * `requires_payment_method` with `last_payment_error` instead of throwing.
   */
  confirmPaymentIntent(id: string, paymentMethod: string): PaymentIntentObj;
  /** Simulates finishing (or losing) Connect onboarding (`account.updated`). */
  setAccountEnabled(accountId: string, enabled: boolean): AccountObj;
  setWebhookUrl(url: string | null): void;
  setDelivery(options: Partial<DeliveryOptions>): void;
  /** Delivers events held while paused. */
  flush(): void;
  /** Resolves once no webhook delivery is queued or retrying (events held by `paused` excepted). */
  waitForDeliveries(timeoutMs?: number): Promise<void>;
  /** Copies of every stored object of a type, oldest first. */
  listObjects<K extends ObjectType>(type: K): Array<ObjectMap[K]>;
  readonly requestLog: readonly RequestLogEntry[];
  readonly deliveryLog: readonly DeliveryRecord[];
  /** Forgets all objects, events, keys, faults and logs; keeps URL and delivery options. */
  reset(): void;
}

export interface ControlDeps {
  engine: Engine;
  dispatcher: WebhookDispatcher;
  faults: FaultQueue;
  idempotency: IdempotencyKeys;
  requestLog: RequestLogEntry[];
}

function confirmAsDevice(engine: Engine, id: string, paymentMethod: string): PaymentIntentObj {
  const intent = requireIntent(engine, id);
  try {
    confirmIntent({ engine, request: NO_REQUEST, apiVersion: engine.settings.apiVersion }, intent, { paymentMethod, asDevice: true });
  } catch (err) {
    // A decline has already been recorded on the intent; anything else is a real error.
    if (!(err instanceof StripeFailure) || err.body.type !== 'card_error') throw err;
  }
  return snapshot(intent);
}

export function createControls(deps: ControlDeps): StandInControls {
  const { engine, dispatcher } = deps;
  return {
    failNext: (spec) => deps.faults.add(spec),
    clearFaults: () => deps.faults.clear(),
    createDispute: (chargeId, input) => snapshot(createDispute(engine, chargeId, input)),
    closeDispute: (disputeId, status) => snapshot(closeDispute(engine, disputeId, status)),
    confirmPaymentIntent: (id, paymentMethod) => confirmAsDevice(engine, id, paymentMethod),
    setAccountEnabled: (accountId, enabled) => snapshot(setAccountEnabled(engine, accountId, enabled)),
    setWebhookUrl: (url) => dispatcher.setUrl(url),
    setDelivery: (options) => dispatcher.setOptions(options),
    flush: () => dispatcher.flush(),
    waitForDeliveries: (timeoutMs = 10_000) => dispatcher.waitForIdle(timeoutMs),
    listObjects: (type) => snapshot(engine.store.all(type)),
    // Live arrays: reset() empties them in place, so references held by tests stay valid.
    requestLog: deps.requestLog,
    deliveryLog: dispatcher.log,
    reset: () => {
      dispatcher.cancelAll();
      engine.store.clear();
      deps.idempotency.clear();
      deps.faults.clear();
      deps.requestLog.length = 0;
    },
  };
}
