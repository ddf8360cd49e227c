import { idempotencyFailure, invalidRequest, type StripeFailure } from './errors';

export interface StoredResponse {
  status: number;
  body: unknown;
  requestId: string;
}

interface Entry {
  method: string;
  path: string;
  fingerprint: string;
  createdAt: number;
  /** Absent while the first request is still executing. */
  response?: StoredResponse;
}

export interface RequestIdentity {
  method: string;
  path: string;
  fingerprint: string;
}

export type Claim =
  | { kind: 'new' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'rejected'; failure: StripeFailure };

export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Stripe's idempotency layer: the first request under a key stores its status and body; a
 * retry with the same endpoint and params gets that exact response back, anything else is an
 * `idempotency_error`, and a retry while the first is still executing gets 409.
 */
export class IdempotencyKeys {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ttlMs: number = DEFAULT_IDEMPOTENCY_TTL_MS) {}

  claim(scope: string, key: string, request: RequestIdentity): Claim {
    if (key.length > 255) {
      return { kind: 'rejected', failure: invalidRequest('Idempotency keys can be at most 255 characters long.', { param: 'Idempotency-Key' }) };
    }
    this.prune();
    const scoped = `${scope}\u0000${key}`;
    const entry = this.entries.get(scoped);
    if (!entry) {
      this.entries.set(scoped, { ...request, createdAt: Date.now() });
      return { kind: 'new' };
    }
    const mismatch = this.mismatch(entry, request, key);
    if (mismatch) return { kind: 'rejected', failure: mismatch };
    if (!entry.response) {
      return {
        kind: 'rejected',
        failure: idempotencyFailure(
          `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
          409,
          'idempotency_key_in_use',
        ),
      };
    }
    return { kind: 'replay', response: entry.response };
  }

  private mismatch(entry: Entry, request: RequestIdentity, key: string): StripeFailure | undefined {
    const retryHint = `Try using a key other than '${key}' if you meant to execute a different request.`;
    if (entry.method !== request.method || entry.path !== request.path) {
      return idempotencyFailure(
        `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${entry.method} ${entry.path}' vs '${request.method} ${request.path}'). ${retryHint}`,
      );
    }
    if (entry.fingerprint !== request.fingerprint) {
      return idempotencyFailure(`Keys for idempotent requests can only be used with the same parameters they were first used with. ${retryHint}`);
    }
    return undefined;
  }

  complete(scope: string, key: string, response: StoredResponse): void {
    const entry = this.entries.get(`${scope}\u0000${key}`);
    if (entry) entry.response = response;
  }

  /** Forgets a claim whose request never began executing, so a retry runs afresh. */
  release(scope: string, key: string): void {
    const scoped = `${scope}\u0000${key}`;
    if (!this.entries.get(scoped)?.response) this.entries.delete(scoped);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Entries are in insertion order, so expired ones are all at the front. */
  private prune(): void {
    const cutoff = Date.now() - this.ttlMs;
    for (const [scoped, entry] of this.entries) {
      if (entry.createdAt >= cutoff) return;
      this.entries.delete(scoped);
    }
  }
}
