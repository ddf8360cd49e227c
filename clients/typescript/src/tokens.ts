import { asProblem, BiddtApiError } from './errors';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** Where the app keeps the tokens (Keychain, EncryptedSharedPreferences…): called on every change; null = signed out. */
export type TokenStorage = (tokens: Tokens | null) => void | Promise<void>;

type Listener = (tokens: Tokens | null) => void;

/**
 * The signed-in session: the current token pair and its rotation. Refresh tokens rotate (each is
 * single-use, and reusing one revokes the whole session server-side), so concurrent requests that all
 * see an expired access token must share ONE refresh: `refresh()` is single-flight.
 */
export class TokenSession {
  private tokens: Tokens | null;
  private inFlight: Promise<Tokens | null> | null = null;
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch,
    initial: Tokens | null,
    private readonly storage?: TokenStorage,
  ) {
    this.tokens = initial;
  }

  get current(): Tokens | null {
    return this.tokens;
  }

  get accessToken(): string | null {
    return this.tokens?.accessToken ?? null;
  }

  /** Replaces both tokens (after a sign-in or a refresh), persists them and tells the listeners. */
  async set(tokens: Tokens | null): Promise<void> {
    this.tokens = tokens ? { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken } : null;
    await this.storage?.(this.tokens);
    for (const listener of this.listeners) listener(this.tokens);
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Trades the refresh token for a new pair. Callers that arrive while one is running get its result.
   * Resolves null (and signs out) when the server refuses the refresh token; network errors reject.
   */
  refresh(): Promise<Tokens | null> {
    this.inFlight ??= this.doRefresh().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async doRefresh(): Promise<Tokens | null> {
    const refreshToken = this.tokens?.refreshToken;
    if (!refreshToken) return null;
    const res = await this.fetchImpl(`${this.baseUrl}/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    const body: unknown = await res.json().catch(() => null);
    if (res.ok) {
      const pair = body as Tokens;
      await this.set(pair);
      return this.tokens;
    }
    if (res.status === 401) {
      await this.set(null);
      return null;
    }
    throw new BiddtApiError(asProblem(res.status, body));
  }
}
