import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Deps } from './composition';
import { buildApp } from './app';

export interface ApiServer {
  server: Server;
  port: number;
  stop(): Promise<void>;
}

/** Listens with the API; `stop` refuses new connections, lets in-flight requests finish, then cuts idle ones. */
export async function startApi(deps: Deps, port = deps.config.port): Promise<ApiServer> {
  const app = buildApp(deps);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(port, deps.config.host, () => resolve(s));
  });
  server.keepAliveTimeout = 65_000;
  // While stopping, every answer says `Connection: close` and its connection is dropped once idle, so
  // clients reconnect elsewhere at once and the process exits when the last request is done.
  let stopping = false;
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (stopping) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (stopping) server.closeIdleConnections();
    });
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : port,
    async stop() {
      stopping = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), deps.config.timing.shutdownTimeoutMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
