import type { Role } from '../../db/schema';

/** Who is acting: derived from a verified access token (HTTP bearer or socket handshake). */
export interface Actor {
  userId: string;
  role: Role;
  /** Refresh-token family (session) the access token belongs to. */
  sid: string;
  /**
   * `restore`: the session of a deleted account signing in within its 30 days (SPEC §9), good only for
   * the routes that restore or export the account; absent on an ordinary session.
   */
  scope?: 'restore';
}

/** Who acts, and the request it belongs to (audit rows carry the request id). STYLE: ctx first. */
export interface Ctx {
  actor: Actor;
  requestId: string;
}

/** The same for reads that anonymous visitors may make. */
export interface ViewerCtx {
  actor: Actor | undefined;
  requestId: string;
}
