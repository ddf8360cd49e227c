import { isSocketEventName, SOCKET_EVENTS } from '../../src/shared/socket-events';
import { componentErrors } from './contract';

/**
 * The contract check every Socket.IO event a test client receives gets (hooked centrally in
 * test/support/contract-hooks.ts). Outbox events are checked against their zod schemas in
 * src/shared/socket-events.ts, and the parts that have a REST twin (a chat message, a meetup, a
 * notification, the bid decision) against the OpenAPI component the REST route returns, so a socket
 * payload cannot drift from its REST counterpart. Events the server emits directly (not through the
 * outbox) are listed here with the README's shapes.
 */
type Check = (payload: Record<string, unknown>) => string[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (payload: Record<string, unknown>, name: string, component: string): string[] =>
  componentErrors(component, payload[name]).map((e) => `${name}: ${e}`);
const problem = (payload: Record<string, unknown>, name: string): string[] => field(payload, name, 'Problem');

/** REST twins of the fields outbox events carry (on top of the zod schema). */
const TWINS: Partial<Record<string, Check>> = {
  new_message: (p) => field(p, 'message', 'Message'),
  meetup_updated: (p) => field(p, 'meetup', 'Meetup'),
};

/** Events emitted straight to a socket or a user room (realtime/README.md "Server → client"). */
const DIRECT_EVENTS: Record<string, Check> = {
  /** The late decision on a socket bid that was undecided within the ack wait: the ack's twin. */
  bid_result: (p) => {
    const errors = typeof p.requestId === 'string' && p.requestId.length > 0 ? [] : ['requestId must be a non-empty string'];
    if (p.ok === true) return [...errors, ...field(p, 'data', 'BidAccepted')];
    if (p.ok === false) return [...errors, ...problem(p, 'error')];
    return [...errors, 'ok must be a boolean'];
  },
  notification: (p) => field(p, 'notification', 'Notification'),
  session_expired: (p) => problem(p, 'error'),
};

/** The mismatch message for one received event, or undefined when it matches its contract. */
export function checkSocketEvent(event: string, payload: unknown): string | undefined {
  const where = `socket event ${event}`;
  if (!isObject(payload)) return `${where}: payload must be an object, got ${JSON.stringify(payload)}`;
  let errors: string[];
  if (isSocketEventName(event)) {
    const parsed = SOCKET_EVENTS[event].safeParse(payload);
    errors = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'} ${i.message}`);
    errors.push(...(TWINS[event]?.(payload) ?? []));
  } else if (Object.hasOwn(DIRECT_EVENTS, event)) {
    errors = DIRECT_EVENTS[event](payload);
  } else {
    return `${where}: not a documented server → client event (src/shared/socket-events.ts, realtime/README.md)`;
  }
  return errors.length ? `${where} does not match its schema:\n  ${errors.join('\n  ')}\n  payload: ${JSON.stringify(payload).slice(0, 500)}` : undefined;
}
