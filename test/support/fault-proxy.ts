import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real PostgreSQL or Redis that a test can break and mend on the same port:
 * `refuse()` as a stopped server (connections cut, new ones refused), `hang()` as a frozen one
 * (connections stay open, nothing answers), `restore()` back to a working server.
 */
export interface FaultProxy {
  port: number;
  /** Rewrites `url` (postgres://… or redis://…) to go through the proxy. */
  via(url: string): string;
  refuse(): Promise<void>;
  hang(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let state: 'pass' | 'hang' | 'refuse' = 'pass';
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  const server: Server = createServer((client) => {
    track(client);
    if (state !== 'pass') return; // frozen: accepted, never answered
    const upstream = createConnection(target);
    track(upstream);
    // Bytes are dropped while frozen; `restore()` cuts those connections, so no stream resumes corrupted.
    client.on('data', (chunk) => state === 'pass' && upstream.write(chunk));
    upstream.on('data', (chunk) => state === 'pass' && client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async refuse() {
      state = 'refuse';
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      cutAll();
      await closed;
    },
    hang() {
      state = 'hang';
    },
    async restore() {
      const wasRefusing = state === 'refuse';
      cutAll();
      state = 'pass';
      if (wasRefusing) await listen(port);
    },
    async close() {
      state = 'refuse';
      cutAll();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}
