import type { Actor } from '../shared/context';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    actor?: Actor;
    /** Raw body bytes, set by the parsers that keep them (JSON verify hook, image upload). */
    rawBody?: Buffer;
  }
}
