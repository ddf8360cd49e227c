import { createServer, type Server as HttpServer } from 'node:http';
import { Gauge } from 'prom-client';
import { Server } from 'socket.io';
import type { Deps } from '../src/composition';
import { STAFF_ROOM, userRoom } from '../src/shared/rooms';
import { isStaff } from '../src/shared/permissions';
import { sessionRoom } from '../src/modules/auth';
import { createProcessRegistry, isMetricsRequest, serveMetrics } from '../src/shared/metrics-endpoint';
import { createRedis } from '../src/shared/redis';
import { socketKey } from '../src/shared/socket-key';
import { handshakeAuth, installSession } from './auth';
import { createCoalescingAdapter } from './coalescing';
import { registerBidHandlers } from './bid-handlers';
import { registerChatHandlers } from './chat-handlers';
import { registerListingHandlers } from './listing-handlers';
import { installDependencyGuard, refuseHandshakeWhileDown } from './dependency-guard';
import { installGuards } from './socket-limits';
import type { BiddtServer, BiddtSocket } from './types';

export type { BiddtSocket, SocketData } from './types';
export { userRoom };

/** Every event a client may send; anything else is answered `unknown_event`. */
export const CLIENT_EVENTS: ReadonlySet<string> = new Set([
  'auth',
  'subscribe',
  'unsubscribe',
  'bid',
  'join_chat',
  'leave_chat',
  'message',
]);

/** The transport refuses bigger frames by closing the connection (handlers cap payloads lower). */
export const MAX_HTTP_BUFFER_SIZE = 64 * 1024;

export interface RealtimeServer {
  io: BiddtServer;
  http: HttpServer;
  port: number;
  stop(): Promise<void>;
}

/**
 * Socket.IO on its own HTTP server, fanned out across processes by the Redis adapter (the outbox
 * relay and the workers publish to rooms through the Redis emitter). The handshake requires a valid
 * access token; a socket joins its user room at once. Protocol: realtime/README.md.
 */
export async function startRealtime(deps: Deps, port = deps.config.realtimePort): Promise<RealtimeServer> {
  const registry = createProcessRegistry();
  const http = createServer((req, res) => {
    // Socket.IO answers its own path before this handler; `/metrics` follows the api's token rule.
    if (isMetricsRequest(req)) {
      serveMetrics(registry, deps.config.metrics, req, res).catch((err: unknown) => {
        deps.logger.error({ err }, 'metrics failed');
        res.writeHead(500).end();
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status: 404, code: 'route_not_found' }));
  });
  const pub = createRedis(deps.config.redisUrl!);
  // No auto-pipelining on the subscriber: on close the adapter fires (and never awaits) UNSUBSCRIBEs,
  // which an auto-pipeline would still hold when QUIT ends the connection — an unhandled rejection.
  const sub = pub.duplicate({ enableAutoPipelining: false });
  // Each failed reconnect while Redis is down emits an error: logged once, not printed per attempt.
  let lastRedisWarning = 0;
  const onRedisError = (err: Error) => {
    if (Date.now() - lastRedisWarning < 10_000) return;
    lastRedisWarning = Date.now();
    deps.logger.warn({ message: err.message }, 'realtime adapter redis connection error');
  };
  pub.on('error', onRedisError);
  sub.on('error', onRedisError);
  const io: BiddtServer = new Server(http, {
    cors: { origin: deps.config.corsOrigins === '*' ? true : deps.config.corsOrigins },
    maxHttpBufferSize: MAX_HTTP_BUFFER_SIZE,
    adapter: createCoalescingAdapter(pub, sub, { key: socketKey(deps.config.redisPrefix) }, deps.logger),
  });

  // Nothing needs the upgrade request once the handshake is built: dropping it saves memory per
  // connection (Socket.IO's own advice; `handshake.address` comes from the connection).
  io.engine.on('connection', (raw: { request: unknown }) => {
    raw.request = null;
  });
  new Gauge({
    name: 'realtime_connected_sockets',
    help: 'Socket.IO connections open on this process',
    registers: [registry],
    collect() {
      this.set(io.engine.clientsCount);
    },
  });
  io.use(refuseHandshakeWhileDown(deps.health, deps.logger));
  io.use(handshakeAuth(deps));
  io.on('connection', (socket: BiddtSocket) => {
    void socket.join([userRoom(socket.data.actor.userId), sessionRoom(socket.data.actor.sid)]);
    // The console's dispute queue updates live from the staff room.
    if (isStaff(socket.data.actor.role)) void socket.join(STAFF_ROOM);
    installGuards(socket, CLIENT_EVENTS, deps.logger);
    installDependencyGuard(socket, deps.health, deps.logger);
    installSession(deps, socket);
    registerListingHandlers(deps, socket);
    registerBidHandlers(deps, socket);
    registerChatHandlers(deps, socket);
  });

  await new Promise<void>((resolve) => http.listen(port, deps.config.host, resolve));
  const address = http.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    io,
    http,
    port: boundPort,
    async stop() {
      // Only this node's sockets: through the adapter, disconnectSockets would also drop every other
      // node's clients (and publish to Redis while we are closing it).
      io.local.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
