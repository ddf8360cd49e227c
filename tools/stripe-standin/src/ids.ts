import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random base62 text; ids only need to be unique and look like Stripe's, not be secret. */
export function randomBase62(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % ALPHABET.length];
  return out;
}

/** A Stripe-style id such as `pi_3Qx…` (prefix + underscore + 24 base62 characters). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBase62(24)}`;
}

/** Unix seconds, the unit of every `created` / `expires_at` field. */
export function unixSeconds(ms: number = Date.now()): number {
  return Math.floor(ms / 1000);
}
