import { createServer, type Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server, type Socket } from 'socket.io';
import type { Deps } from '../src/composition';
import { actorFromToken } from '../src/http/authenticate';
import { toProblem } from '../src/http/problem';
import type { Actor } from '../src/http/types';
import { AppError, unauthorized } from '../src/shared/errors';
import { createRedis } from '../src/shared/redis';
import { socketKey } from '../src/shared/socket-key';

export interface SocketData {
  actor: Actor;
}

export type BiddtSocket = Socket<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>;

export const userRoom = (userId: string) => `user:${userId}`;

export interface RealtimeServer {
  io: Server;
  http: HttpServer;
  port: number;
  stop(): Promise<void>;
}

/**
 * Socket.IO on its own HTTP server, fanned out across processes by the Redis adapter. The handshake
 * requires a valid access token (`auth.token`); a socket joins its user room at once.
 */
export async function startRealtime(deps: Deps, port = deps.config.realtimePort): Promise<RealtimeServer> {
  const http = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status: 404, code: 'route_not_found' }));
  });
  const pub = createRedis(deps.config.redisUrl!);
  const sub = pub.duplicate();
  const io = new Server(http, {
    cors: { origin: deps.config.corsOrigins === '*' ? true : deps.config.corsOrigins },
    maxHttpBufferSize: 64 * 1024,
    adapter: createAdapter(pub, sub, { key: socketKey(deps.config.redisPrefix) }),
  });

  io.use(async (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    try {
      if (typeof token !== 'string' || token === '') throw unauthorized('missing_token', 'auth.token is required.');
      socket.data.actor = await actorFromToken(deps, token);
      next();
    } catch (err) {
      const problem = err instanceof AppError ? toProblem(err) : { code: 'internal_error', status: 500 };
      next(Object.assign(new Error(problem.code), { data: problem }));
    }
  });

  io.on('connection', (socket) => {
    const { actor } = socket.data as SocketData;
    void socket.join(userRoom(actor.userId));
  });

  await new Promise<void>((resolve) => http.listen(port, deps.config.host, resolve));
  const address = http.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    io,
    http,
    port: boundPort,
    async stop() {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
