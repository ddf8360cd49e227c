import type { Role } from '../../db/schema';

/** Who is acting: derived from a verified access token. */
export interface Actor {
  userId: string;
  role: Role;
  /** Refresh-token family (session) the access token belongs to. */
  sid: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    actor?: Actor;
    /** Raw body bytes, set by the parsers that keep them (JSON verify hook, image upload). */
    rawBody?: Buffer;
  }
}
