/**
 * A lean load-generator client: speaks the Engine.IO v4 / Socket.IO v5 wire protocol directly over
 * `ws` (the same WebSocket library socket.io-client uses in Node), so the load generator — which
 * shares the host's CPUs with the server under test — spends as little as possible per message.
 * To the server it is indistinguishable from socket.io-client over the websocket transport.
 */
import WebSocket from 'ws';

export interface RawOptions {
  port: number;
  token: string;
  localAddress?: string;
  onEvent(event: string, payload: Record<string, unknown>, receivedAt: number): void;
  now(): number;
}

export interface RawSocket {
  connected: boolean;
  emitWithAck(event: string, payload: unknown, timeoutMs: number): Promise<{ ok: boolean }>;
  disconnect(): void;
}

/** Opens one connection; resolves once the namespace CONNECT was accepted, rejects when refused. */
export function openRaw(opts: RawOptions): Promise<RawSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${opts.port}/socket.io/?EIO=4&transport=websocket`, {
    localAddress: opts.localAddress,
    perMessageDeflate: false,
  });
  const acks = new Map<number, (value: { ok: boolean }) => void>();
  let nextAck = 1;
  const socket: RawSocket = {
    connected: false,
    emitWithAck(event, payload, timeoutMs) {
      const id = nextAck++;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          acks.delete(id);
          resolve({ ok: false });
        }, timeoutMs);
        acks.set(id, (value) => {
          clearTimeout(timer);
          resolve(value);
        });
        ws.send(`42${id}${JSON.stringify([event, payload])}`);
      });
    },
    disconnect() {
      socket.connected = false;
      ws.close();
    },
  };
  return new Promise((resolve, reject) => {
    ws.on('error', (err) => reject(err));
    ws.on('close', () => {
      socket.connected = false;
    });
    ws.on('message', (data: Buffer) => {
      const receivedAt = opts.now();
      const text = data.toString();
      const type = text.charCodeAt(0);
      if (type === 0x32 /* '2' ping */) return ws.send('3');
      if (type === 0x30 /* '0' open */) return ws.send(`40${JSON.stringify({ token: opts.token })}`);
      if (type !== 0x34 /* '4' message */) return;
      const kind = text.charCodeAt(1);
      if (kind === 0x32 /* '2' EVENT */) {
        const [event, payload] = JSON.parse(text.slice(2)) as [string, Record<string, unknown>];
        return opts.onEvent(event, payload, receivedAt);
      }
      if (kind === 0x30 /* '0' CONNECT ok */) {
        socket.connected = true;
        return resolve(socket);
      }
      if (kind === 0x34 /* '4' CONNECT_ERROR */) return reject(new Error(text.slice(2)));
      if (kind === 0x33 /* '3' ACK */) {
        const match = /^(\d+)(.*)$/s.exec(text.slice(2));
        if (!match) return;
        const [response] = JSON.parse(match[2]) as [{ ok: boolean }];
        acks.get(Number(match[1]))?.(response);
        acks.delete(Number(match[1]));
      }
    });
  });
}
