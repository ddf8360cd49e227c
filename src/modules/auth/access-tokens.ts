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

/**
 * Tokens already verified, per signing key: a client sends the same token with every request until
 * it expires, and verifying it anew (HMAC, JSON, claims) was ≈ 6 % of the api's CPU at capacity
 * (bench/bids). A hit is re-checked for expiry and for the issuer and audience it was verified
 * against; revocation is checked per request elsewhere (`assertSessionUsable`), as before.
 */
const verified = new WeakMap<KeyObject, Map<string, { actor: Actor; expSec: number; issuer: string; audience: string }>>();
const VERIFIED_MAX = 10_000;

/** Verifies signature (pinned algorithm), type, issuer, audience and expiry; throws 401 otherwise. */
export function verifyAccessToken(opts: AccessTokenOptions, token: string): Actor {
  const key = keyOf(opts.secret);
  let known = verified.get(key);
  if (!known) {
    known = new Map();
    verified.set(key, known);
  }
  const hit = known.get(token);
  // jsonwebtoken's rule: expired once now (whole seconds) reaches `exp`; an expired hit is verified
  // again below, which answers token_expired.
  if (hit && Math.floor(Date.now() / 1000) < hit.expSec && hit.issuer === opts.issuer && hit.audience === opts.audience) return { ...hit.actor };
  const { actor, expSec } = verifyAnew(opts, key, token);
  if (known.size >= VERIFIED_MAX) known.delete(known.keys().next().value!); // the oldest entry
  known.set(token, { actor, expSec, issuer: opts.issuer, audience: opts.audience });
  return actor;
}

function verifyAnew(opts: AccessTokenOptions, key: KeyObject, token: string): { actor: Actor; expSec: number } {
  let decoded: jwt.Jwt;
  try {
    decoded = jwt.verify(token, key, {
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
  if (decoded.header.typ !== TOKEN_TYPE || !payload.sub || typeof payload.sid !== 'string' || !role || typeof payload.exp !== 'number') {
    throw unauthorized('invalid_token', 'The access token is not valid.');
  }
  if (payload.scope !== undefined && payload.scope !== 'restore') throw unauthorized('invalid_token', 'The access token is not valid.');
  const actor: Actor = { userId: payload.sub, role, sid: payload.sid, ...(payload.scope === 'restore' ? { scope: 'restore' as const } : {}) };
  return { actor, expSec: payload.exp };
}

/** Extracts the bearer token from an Authorization header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}
