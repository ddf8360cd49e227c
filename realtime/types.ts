import type { DefaultEventsMap, Server, Socket } from 'socket.io';
import type { Deps } from '../src/composition';
import type { Actor } from '../src/shared/context';

export interface SocketData {
  actor: Actor;
  /** When the access token the socket runs on expires (epoch ms). */
  expiresAt: number;
}

export type BiddtSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>;
export type BiddtServer = Server<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>;

/** What the socket handlers use: the process's dependencies (they reuse the REST services). */
export type RealtimeDeps = Deps;
