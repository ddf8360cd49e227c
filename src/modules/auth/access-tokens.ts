import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Role } from '../../../db/schema';
import type { Actor } from '../../shared/context';
import { unauthorized } from '../../shared/errors';

const ALGORITHM = 'HS256';
const TOKEN_TYPE = 'at+jwt'; // RFC 9068 access-token type, checked so no other JWT of ours passes

export interface AccessTokenOptions {
  secret: string;
  issuer: string;
  audience: string;
  ttlSec: number;
}

const keys = new Map<string, KeyObject>();
/**
 * The HMAC key as a KeyObject, made once: given a string, jsonwebtoken first tries to parse it as
 * a public key on every call, which cost ~1 ms of CPU per request (measured in bench/bids).
 */
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

/** Signs short-lived access tokens carrying the user's id, role and session (refresh family). */
export function signAccessToken(opts: AccessTokenOptions, actor: Actor): string {
  return jwt.sign({ role: actor.role, sid: actor.sid, ...(actor.scope ? { scope: actor.scope } : {}) }, keyOf(opts.secret), {
    algorithm: ALGORITHM,
    header: { alg: ALGORITHM, typ: TOKEN_TYPE },
    subject: actor.userId,
    issuer: opts.issuer,
    audience: opts.audience,
    expiresIn: opts.ttlSec,
  });
}

/** Verifies signature (pinned algorithm), type, issuer, audience and expiry; throws 401 otherwise. */
export function verifyAccessToken(opts: AccessTokenOptions, token: string): Actor {
  let decoded: jwt.Jwt;
  try {
    decoded = jwt.verify(token, keyOf(opts.secret), {
      algorithms: [ALGORITHM],
      issuer: opts.issuer,
      audience: opts.audience,
      complete: true,
    });
  } catch (err) {
    const expired = err instanceof jwt.TokenExpiredError;
    throw unauthorized(expired ? 'token_expired' : 'invalid_token', expired ? 'The access token has expired.' : 'The access token is not valid.');
  }
  const payload = decoded.payload as jwt.JwtPayload;
  const role = payload.role as Role | undefined;
  if (decoded.header.typ !== TOKEN_TYPE || !payload.sub || typeof payload.sid !== 'string' || !role) {
    throw unauthorized('invalid_token', 'The access token is not valid.');
  }
  if (payload.scope !== undefined && payload.scope !== 'restore') throw unauthorized('invalid_token', 'The access token is not valid.');
  return { userId: payload.sub, role, sid: payload.sid, ...(payload.scope === 'restore' ? { scope: 'restore' as const } : {}) };
}

/** Extracts the bearer token from an Authorization header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}
