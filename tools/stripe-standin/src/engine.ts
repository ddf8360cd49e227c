import { newId, unixSeconds } from './ids';
import type { EventObj } from './objects';
import { snapshot, Store } from './store';

/** Where the event that an API call caused came from (`event.request`). */
export interface RequestRef {
  id: string | null;
  idempotencyKey: string | null;
}

export const NO_REQUEST: RequestRef = { id: null, idempotencyKey: null };

/** Receives every event; the webhook dispatcher implements it. */
export interface EventSink {
  /** Whether an endpoint is configured and subscribed to this type. */
  willDeliver(type: string): boolean;
  enqueue(event: EventObj): void;
}

export interface EngineSettings {
  apiVersion: string;
  /** Connect accounts are enabled when created (development default, see SPEC §5). */
  autoEnableAccounts: boolean;
  /** Public base URL of the stand-in, for account-link and receipt URLs. */
  baseUrl: () => string;
}

/** State plus the side channel every resource handler needs: emitting events. */
export class Engine {
  constructor(
    readonly store: Store,
    readonly settings: EngineSettings,
    private readonly sink: EventSink,
  ) {}

  now(): number {
    return unixSeconds();
  }

  /** Records an event with a snapshot of `object` and hands it to webhook delivery. */
  emit(
    type: string,
    object: unknown,
    request: RequestRef,
    previousAttributes?: Record<string, unknown>,
  ): EventObj {
    const event: EventObj = {
      id: newId('evt'),
      object: 'event',
      api_version: this.settings.apiVersion,
      created: this.now(),
      data: {
        object: snapshot(object),
        ...(previousAttributes ? { previous_attributes: snapshot(previousAttributes) } : {}),
      },
      livemode: false,
      pending_webhooks: this.sink.willDeliver(type) ? 1 : 0,
      request: { id: request.id, idempotency_key: request.idempotencyKey },
      type,
    };
    this.store.insert('event', event);
    this.sink.enqueue(event);
    return event;
  }
}

/** What a resource handler receives. */
export interface ApiContext {
  engine: Engine;
  request: RequestRef;
  /** The request's `Stripe-Version` (or the stand-in's), for version-dependent parameters. */
  apiVersion: string;
}

/** Whether `version` is at or after the dated release `date` (`YYYY-MM-DD`); dates sort as text. */
export function versionAtLeast(version: string, date: string): boolean {
  return version.slice(0, 10) >= date;
}
