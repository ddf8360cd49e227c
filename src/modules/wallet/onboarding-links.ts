import type { Config } from '../../config/config';
import { hmacSha256, safeEqualHex } from '../../shared/crypto';
import { forbidden } from '../../shared/errors';

/**
 * Stripe sends the seller's browser back to `return_url` / `refresh_url` after (or instead of)
 * onboarding, with no Authorization header. The URLs therefore carry the account and a signature
 * (keyed with the JWT secret, under its own label) valid for a day, so only the links we issued work:
 * an unsigned refresh route would hand anyone an onboarding link to any seller's account.
 */
const LINK_TTL_SEC = 24 * 3600;

export interface OnboardingProof {
  account: string;
  expires: number;
  sig: string;
}

const signatureOf = (config: Pick<Config, 'auth'>, account: string, expires: number) =>
  hmacSha256(config.auth.jwtSecret, `wallet-onboarding:${account}:${expires}`);

/** The return and refresh URLs for an account link of `accountId`. */
export function onboardingUrls(config: Pick<Config, 'auth' | 'publicBaseUrl'>, accountId: string, now: Date) {
  const expires = Math.floor(now.getTime() / 1000) + LINK_TTL_SEC;
  const query = new URLSearchParams({ account: accountId, expires: String(expires), sig: signatureOf(config, accountId, expires) });
  const base = config.publicBaseUrl.replace(/\/$/, '');
  return {
    refreshUrl: `${base}/v1/wallet/onboarding/refresh?${query.toString()}`,
    returnUrl: `${base}/v1/wallet/onboarding/return?${query.toString()}`,
  };
}

/** Throws 403 unless the proof is ours and not expired; answers the account id it vouches for. */
export function verifyOnboardingProof(config: Pick<Config, 'auth'>, proof: OnboardingProof, now: Date): string {
  const genuine = /^[0-9a-f]{64}$/.test(proof.sig) && safeEqualHex(proof.sig, signatureOf(config, proof.account, proof.expires));
  if (!genuine) throw forbidden('invalid_onboarding_link', 'This onboarding link is not valid.');
  if (proof.expires * 1000 < now.getTime()) {
    throw forbidden('onboarding_link_expired', 'This onboarding link has expired: open your wallet in the app again.');
  }
  return proof.account;
}
