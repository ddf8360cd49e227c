import { BiddtApiError, createBiddtClient, unwrap, type BiddtClient, type components, type Tokens } from '../../clients/typescript/src';

export type Schemas = components['schemas'];
export { BiddtApiError, unwrap };

const TOKENS_KEY = 'biddt.console.tokens';
/** The api accepts this cookie at /admin/queues (a link cannot carry a bearer header). */
const QUEUES_COOKIE = 'biddt_staff_token';

function loadTokens(): Tokens | null {
  try {
    const raw = localStorage.getItem(TOKENS_KEY);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  } catch {
    return null;
  }
}

/** Persists each rotated pair and mirrors the access token into the queue dashboard's cookie. */
function saveTokens(tokens: Tokens | null): void {
  if (tokens) localStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
  else localStorage.removeItem(TOKENS_KEY);
  const value = tokens ? encodeURIComponent(tokens.accessToken) : '';
  const maxAge = tokens ? 900 : 0;
  document.cookie = `${QUEUES_COOKIE}=${value}; Path=/admin/queues; Max-Age=${maxAge}; SameSite=Strict`;
}

let realtimeUrl = window.location.origin;

/** Where the Socket.IO server is (its own port): told by the api that serves the console. */
export async function loadRuntime(): Promise<void> {
  try {
    const res = await fetch('/console/runtime.json');
    if (res.ok) realtimeUrl = ((await res.json()) as { realtimeUrl: string }).realtimeUrl;
  } catch {
    // Without it the socket tries the api's origin; the screens still work by polling.
  }
}

let client: BiddtClient | undefined;

/** The one typed client (openapi-fetch over the generated types; tokens rotated on 401). */
export function biddt(): BiddtClient {
  client ??= createBiddtClient({ baseUrl: window.location.origin, realtimeUrl, tokens: loadTokens(), onTokens: saveTokens });
  return client;
}

export const api = () => biddt().api;

/** Field errors of a refused request, by field name (the server's problem `errors[]`). */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof BiddtApiError)) return {};
  const list = (err.problem as { errors?: { field?: string; message: string }[] }).errors ?? [];
  return Object.fromEntries(list.filter((e) => e.field).map((e) => [e.field as string, e.message]));
}

export const problemText = (err: unknown): string =>
  err instanceof BiddtApiError
    ? `${err.problem.detail ?? err.problem.title} (${err.code})`
    : err instanceof Error
      ? err.message
      : String(err);

export const money = (cents: number | null | undefined): string =>
  cents === null || cents === undefined
    ? '—'
    : `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');
