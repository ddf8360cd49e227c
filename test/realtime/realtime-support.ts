import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type { AckResponse } from '../../realtime/ack';

export type { ClientSocket };

export interface Received {
  event: string;
  payload: Record<string, unknown>;
  at: number;
}

/** A real socket.io-client over WebSocket that records every server event it receives. */
export interface TestClient {
  socket: ClientSocket;
  received: Received[];
  /** Events named `event` (optionally for one listing), in arrival order. */
  events(event: string, listingId?: string): Array<Record<string, unknown>>;
  /** Waits until `count` events named `event` (for `listingId`) have arrived; returns them. */
  waitFor(event: string, count?: number, listingId?: string, timeoutMs?: number): Promise<Array<Record<string, unknown>>>;
  ack(event: string, payload?: unknown, timeoutMs?: number): Promise<AckResponse>;
  close(): void;
}

const clients: TestClient[] = [];

/** Opens a client to `port` with `token` (undefined → no auth) and waits for the handshake result. */
export async function openClient(port: number, token: string | undefined, opts: { connect?: boolean } = {}): Promise<TestClient> {
  const socket = connect(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: token === undefined ? {} : { token },
    autoConnect: false,
  });
  const received: Received[] = [];
  socket.onAny((event: string, payload: Record<string, unknown>) => received.push({ event, payload, at: Date.now() }));
  const matching = (event: string, listingId?: string) =>
    received.filter((r) => r.event === event && (listingId === undefined || r.payload?.listingId === listingId)).map((r) => r.payload);
  const client: TestClient = {
    socket,
    received,
    events: matching,
    async waitFor(event, count = 1, listingId, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (matching(event, listingId).length < count) {
        if (Date.now() > deadline)
          throw new Error(`waited ${timeoutMs} ms for ${count}× ${event}; got ${JSON.stringify(received.map((r) => r.event))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return matching(event, listingId);
    },
    ack: (event, payload, timeoutMs = 10_000) =>
      (payload === undefined
        ? socket.timeout(timeoutMs).emitWithAck(event)
        : socket.timeout(timeoutMs).emitWithAck(event, payload)) as Promise<AckResponse>,
    close: () => socket.disconnect(),
  };
  clients.push(client);
  if (opts.connect !== false) await connected(socket);
  return client;
}

/** Resolves once connected; rejects with the `connect_error` (its `data` is the problem). */
export function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
    socket.connect();
  });
}

/** The problem a refused handshake carries. */
export async function refusal(port: number, token: string | undefined): Promise<Record<string, unknown>> {
  try {
    await openClient(port, token);
  } catch (err) {
    return (err as { data?: Record<string, unknown> }).data ?? { message: String(err) };
  }
  throw new Error('the handshake was accepted');
}

/** Closes every client opened by this test file. */
export function closeAllClients(): void {
  for (const c of clients.splice(0)) c.socket.disconnect();
}

/** Ack data of a successful ack (fails the test with the problem otherwise). */
export function okData<T = Record<string, unknown>>(res: AckResponse): T {
  if (!res.ok) throw new Error(`expected ok ack, got ${JSON.stringify(res.error)}`);
  return res.data as T;
}

/** Problem of a failed ack. */
export function ackError(res: AckResponse): Record<string, unknown> {
  if (res.ok) throw new Error(`expected an error ack, got ${JSON.stringify(res.data)}`);
  return res.error as Record<string, unknown>;
}

let keyCounter = 0;
export const newKey = (prefix = 'k') => `${prefix}-${process.pid}-${++keyCounter}-${Date.now()}`;
