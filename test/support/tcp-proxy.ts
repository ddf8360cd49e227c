import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Cuts every connection and stops listening: to its clients the backend has gone away. */
  cut(): Promise<void>;
}

/**
 * Forwards 127.0.0.1:<port> to `target`, so a test can make a real backend disappear mid-run.
 * `openDelayMs`: each new connection reaches the backend only that long after it was accepted
 * (what the client sends meanwhile waits), as opening a connection on a very busy host does.
 * `onClientData`: sees every chunk a client sends, as it arrives (what has left the client so far).
 */
export async function startTcpProxy(
  target: { host: string; port: number },
  options: { openDelayMs?: number; onClientData?: (chunk: Buffer) => void } = {},
): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    const open = () => {
      if (client.destroyed) return;
      const upstream = createConnection(target);
      track(upstream);
      if (options.onClientData) client.on('data', options.onClientData);
      client.pipe(upstream).pipe(client);
    };
    if (options.openDelayMs) setTimeout(open, options.openDelayMs);
    else open();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    async cut() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
